"""The policy files (knowledge/data/policy): validated, checked against the knowledge base by
``collect`` (so by ``kb check``), and read by the code that used to hard-code them."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import pytest
import yaml

from spasmcheck.diary import summary
from spasmcheck.diary.model import KIND_FINDINGS, EpisodeKind
from spasmcheck.export import fhir, report
from spasmcheck.knowledge import ids
from spasmcheck.knowledge.loader import collect
from spasmcheck.knowledge.policy import (
    POLICY_FILES,
    BodyMapPolicy,
    DoctorQuestionPolicy,
    InterviewPolicy,
    PatternId,
    doctor_question_policy,
    interview_policy,
    retriage_policy,
)
from spasmcheck.knowledge.schema import Category
from spasmcheck.language import parser
from spasmcheck.reasoning import interview

DATA = Path(str(resources.files("spasmcheck.knowledge.data")))


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    shutil.copytree(DATA, root, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    return root


def edit(root: Path, name: str, change: Callable[[dict[str, object]], None]) -> None:
    path = root / "policy" / name
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True))


def test_every_policy_file_is_packaged_and_valid() -> None:
    present = {p.name for p in (DATA / "policy").glob("*.yaml")}
    assert present == set(POLICY_FILES)
    kb, problems = collect()
    assert kb is not None and problems == []


def test_interview_reads_its_thresholds_from_the_policy() -> None:
    policy = interview_policy()
    assert policy.max_questions == interview.MAX_QUESTIONS
    assert frozenset(policy.choice_groups) == interview.CHOICE_GROUPS
    assert tuple(policy.self_care_checks.groups) == interview.SELF_CARE_CHECKS
    assert policy.screen_levels == interview.SCREEN_LEVELS


def test_an_unknown_choice_group_is_a_problem(data_copy: Path) -> None:
    def change(d: dict[str, object]) -> None:
        groups = d["choice_groups"]
        assert isinstance(groups, list)
        groups.append("x_y")

    edit(data_copy, "interview.yaml", change)
    kb, problems = collect(data_copy)
    assert kb is None
    assert "policy/interview.yaml: unknown group 'x_y'" in problems


def test_a_self_care_check_must_be_a_choice_group() -> None:
    data = yaml.safe_load((DATA / "policy" / "interview.yaml").read_text())
    data["self_care_checks"]["groups"] = ["timing"]
    with pytest.raises(ValueError, match="not one of the choice_groups"):
        InterviewPolicy.model_validate(data)


def test_a_misspelt_key_a_missing_file_and_a_stray_file_are_problems(data_copy: Path) -> None:
    edit(data_copy, "interview.yaml", lambda d: d.__setitem__("max_question", 5))
    (data_copy / "policy" / "extra.yaml").write_text("a: 1\n")
    kb, problems = collect(data_copy)
    assert kb is None
    assert "policy/interview.yaml: max_question: Extra inputs are not permitted" in problems
    assert "policy/extra.yaml: not a known policy file" in problems


def test_an_unknown_seed_section_is_a_problem(data_copy: Path) -> None:
    def change(d: dict[str, object]) -> None:
        checks = d["self_care_checks"]
        assert isinstance(checks, dict)
        checks["cite"] = [{"source": "seed_internal", "section": "Nowhere"}]

    edit(data_copy, "interview.yaml", change)
    _, problems = collect(data_copy)
    assert "policy/interview.yaml: seed_internal has no section 'Nowhere'" in problems


def test_every_category_but_other_has_a_cited_doctor_question() -> None:
    policy = doctor_question_policy()
    assert set(policy.templates) == set(Category) - {Category.OTHER}
    assert all(q.cite for q in policy.categories)
    assert set(policy.diary.patterns) == set(PatternId)


def test_report_reads_its_questions_from_the_policy() -> None:
    policy = doctor_question_policy()
    assert policy.templates == report.CATEGORY_QUESTIONS
    assert frozenset(policy.blood_test.categories) == report.BLOOD_TEST_CATEGORIES


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("Could {name} explain this?", "unknown placeholder 'name'"),
        ("Could {names} explain this.", "must end with '?'"),
    ],
)
def test_a_bad_question_template_is_refused(template: str, message: str) -> None:
    data = yaml.safe_load((DATA / "policy" / "doctor_questions.yaml").read_text())
    data["categories"][0]["template"] = template
    with pytest.raises(ValueError, match=message):
        DoctorQuestionPolicy.model_validate(data)


def test_a_category_with_two_questions_is_refused() -> None:
    data = yaml.safe_load((DATA / "policy" / "doctor_questions.yaml").read_text())
    data["categories"].append({**data["categories"][0]})
    with pytest.raises(ValueError, match="has two questions"):
        DoctorQuestionPolicy.model_validate(data)


def test_a_body_map_region_must_be_a_location_finding(data_copy: Path) -> None:
    def change(d: dict[str, object]) -> None:
        regions = d["regions"]
        assert isinstance(regions, list)
        regions[0]["finding"] = "cramp"  # a finding, but not a place

    edit(data_copy, "bodymap.yaml", change)
    _, problems = collect(data_copy)
    assert "policy/bodymap.yaml: unknown location finding 'cramp'" in problems


def test_a_body_map_part_is_exactly_one_shape() -> None:
    data = yaml.safe_load((DATA / "policy" / "bodymap.yaml").read_text())
    data["regions"][0]["parts"][0]["shape"] = "arm"  # an ellipse already
    with pytest.raises(ValueError, match="exactly one of path, ellipse or shape"):
        BodyMapPolicy.model_validate(data)


def test_one_episode_kind_map_for_the_diary_and_fhir() -> None:
    table = retriage_policy().kind_findings
    assert {k.value: v for k, v in KIND_FINDINGS.items()} == table
    assert set(table) == {kind.value for kind in EpisodeKind}
    assert vars(fhir)["KIND_FINDINGS"] is KIND_FINDINGS  # imported, not a copy


def test_the_diary_reads_its_rules_from_the_policy() -> None:
    rules = retriage_policy()
    assert rules.night_start_hour == summary.NIGHT_START_HOUR
    assert rules.patterns.night_disturbance.min_share == summary.NIGHT_SHARE
    assert rules.patterns.new_medicine.first_days == summary.MEDICINE_ONSET_DAYS


def test_an_unknown_retriage_finding_is_a_problem(data_copy: Path) -> None:
    def change(d: dict[str, object]) -> None:
        patterns = d["patterns"]
        assert isinstance(patterns, dict)
        patterns["spread"]["findings"] = ["spreding"]

    edit(data_copy, "retriage.yaml", change)
    _, problems = collect(data_copy)
    assert "policy/retriage.yaml: unknown finding 'spreding'" in problems


def test_an_id_that_code_names_must_stay_in_the_knowledge_base(data_copy: Path) -> None:
    (path,) = [
        p for p in (data_copy / "findings").glob("*.yaml") if "id: sudden_onset\n" in p.read_text()
    ]
    path.write_text(path.read_text().replace("id: sudden_onset\n", "id: sudden_start\n"))
    _, problems = collect(data_copy)
    assert "knowledge/ids.py: 'sudden_onset' must be a finding of kind course" in problems


def test_code_uses_the_named_ids() -> None:
    assert parser.SUDDEN_ONSET == ids.SUDDEN_ONSET
    assert set(ids.FINDINGS) == {
        ids.FAMILY_HISTORY,
        ids.SUDDEN_ONSET,
        ids.NEW_OR_CHANGED_MEDICINE,
        ids.PREGNANT,
        ids.WHOLE_BODY,
    }
    assert vars(interview)["PREGNANT"] == ids.PREGNANT  # the interview's own name for it
