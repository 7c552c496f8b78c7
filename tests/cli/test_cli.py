"""The command-line contract of docs/contract.md: JSON shapes, exit codes, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from spasmcheck.cli.main import main
from spasmcheck.knowledge.schema import TriageLevel


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(list(argv))
    out, err = capsys.readouterr()
    code = exit_info.value.code
    return (code if isinstance(code, int) else 0), out, err


def test_assess_json_contract(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        capsys,
        "assess",
        "--text",
        "my calves cramp at night",
        "--age",
        "60",
        "--sex",
        "female",
        "--json",
    )
    assert code == 0, err
    data = json.loads(out)
    assert {"conditions", "triage", "red_flags", "advice"} <= set(data)
    probabilities = [c["probability"] for c in data["conditions"]]
    assert probabilities == sorted(probabilities, reverse=True)
    for c in data["conditions"]:
        assert {"id", "name", "probability", "icd10", "evidence_for", "evidence_against"} <= set(c)
        assert isinstance(c["icd10"], list) and c["icd10"]
        assert all(isinstance(e, str) for e in c["evidence_for"] + c["evidence_against"])
    assert data["triage"]["level"] in {level.value for level in TriageLevel}
    assert isinstance(data["triage"]["reasons"], list) and data["triage"]["reasons"]
    assert all(isinstance(a, str) for a in data["advice"]) and data["advice"]
    assert isinstance(data["red_flags"], list)


def test_assess_emergency_says_what_to_do_now(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys,
        "assess",
        "--text",
        "my leg cramps and now my face is drooping and my speech is slurred",
        "--json",
    )
    data = json.loads(out)
    assert code == 0
    assert data["triage"]["level"] == "emergency_ambulance"
    assert data["red_flags"]
    assert data["triage"]["do_now"]
    assert data["advice"][0] == data["triage"]["do_now"][0]


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["assess", "--text", "", "--json"], "empty"),
        (["assess", "--text", "   ", "--json"], "empty"),
        (["assess", "--text", "cramps", "--age", "121", "--json"], "age"),
        (["assess", "--text", "cramps", "--age", "-1", "--json"], "age"),
        (["assess", "--text", "cramps", "--age", "old", "--json"], "age"),
        (["assess", "--text", "cramps", "--sex", "other", "--json"], "sex"),
        (["assess", "--text", "cramps", "--sex", "F", "--json"], "sex"),
        (["assess", "--bogus"], "bogus"),
        (["eval", "/no/such/file.yaml", "--json"], "no such"),
        (["eval", "vignettes/public.yaml", "--mode", "chat", "--json"], "mode"),
        (["nonsense"], "nonsense"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    capsys: pytest.CaptureFixture[str], argv: list[str], fragment: str
) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert fragment in lines[0].lower()
    assert "Traceback" not in err


def test_eval_rejects_malformed_vignettes(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("- id: x\n  age: 300\n  text: hi\n", encoding="utf-8")
    code, _, err = run(capsys, "eval", str(bad), "--json")
    assert code == 2 and "age" in err and len(err.strip().splitlines()) == 1
    bad.write_text("{not: [valid", encoding="utf-8")
    code, _, err = run(capsys, "eval", str(bad), "--json")
    assert code == 2 and len(err.strip().splitlines()) == 1


def test_conditions_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "conditions", "--json")
    items = json.loads(out)
    assert code == 0 and len(items) >= 70
    for item in items:
        assert item["id"] and item["name"] and item["icd10"] and item["sources"]


def test_kb_check_passes(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "kb", "check")
    assert code == 0 and out.startswith("ok:")


def test_parse_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "parse", "--text", "cramps but no weakness", "--json")
    items = json.loads(out)
    assert code == 0
    assert {"finding": "weakness", "polarity": "absent"}.items() <= next(
        i for i in items if i["finding"] == "weakness"
    ).items()


def test_human_output_has_banner_causes_and_disclaimer(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "assess", "--text", "eyelid twitching for a few days")
    assert code == 0
    assert "not a diagnosis" in out
    assert "in 10" in out


def test_real_process_exit_code_and_stderr() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "spasmcheck", "assess", "--text", "", "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1


def test_interactive_interview_with_undo(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = iter(["w", "y", "u", "n"] + ["d"] * 40)
    monkeypatch.setattr("rich.console.Console.input", lambda self, prompt="": next(answers))
    code, out, _ = run(
        capsys, "assess", "--text", "my calves cramp at night", "--interactive", "--json"
    )
    assert code == 0
    data = json.loads(out)
    assert data["triage"]["level"] in {level.value for level in TriageLevel}


def interview(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    replies: list[str],
    *argv: str,
) -> tuple[int, dict[str, object], list[str]]:
    prompts: list[str] = []
    feed = iter(replies)

    def reply(self: object, prompt: str = "") -> str:
        prompts.append(prompt)
        return next(feed)

    monkeypatch.setattr("rich.console.Console.input", reply)
    code, out, err = run(capsys, "assess", *argv, "--interactive", "--json")
    return code, json.loads(out) if out else {}, prompts + err.splitlines()


def test_interactive_asks_the_emergency_check_first(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # 1 = the first sign on the list (trouble breathing): the interview ends at once
    code, data, lines = interview(capsys, monkeypatch, ["1"], "--text", "my calves cramp at night")
    assert code == 0
    assert any("Emergency check" in line for line in lines) and any(
        "0. None of these" in line for line in lines
    )
    assert data["triage"]["level"] == "emergency_ambulance"  # type: ignore[index]


def test_interactive_none_of_these_moves_on(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, data, lines = interview(
        capsys, monkeypatch, ["0"] + ["d"] * 40, "--text", "my calves cramp at night"
    )
    assert code == 0 and not str(data["triage"]["level"]).startswith("emergency")  # type: ignore[index]
    findings = data["findings"]
    assert isinstance(findings, list)
    told = {e["finding"]: e["status"] for e in findings}
    assert told["trouble_breathing"] == "absent" and told["chest_pain"] == "absent"
    assert sum("w=why" in line for line in lines) >= 2  # the screen, then more questions


def test_interactive_runs_out_of_input(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def eof(self: object, prompt: str = "") -> str:
        raise EOFError

    monkeypatch.setattr("rich.console.Console.input", eof)
    code, _, err = run(capsys, "assess")
    assert code == 2 and len(err.strip().splitlines()) == 1


def test_cold_start_benchmark(benchmark) -> None:  # type: ignore[no-untyped-def]
    """The whole `spasmcheck assess --json` process, from exec to exit (goal <= 1 s)."""
    argv = [
        sys.executable,
        "-m",
        "spasmcheck",
        "assess",
        "--text",
        "calf cramps at night",
        "--json",
    ]
    benchmark.pedantic(
        subprocess.run,
        args=(argv,),
        kwargs={"capture_output": True, "check": True},
        rounds=5,
        iterations=1,
    )


@pytest.mark.parametrize(
    "text",
    [
        "one side of my face has drooped and my eyelid keeps twitching",
        "calf cramps at night and tonight I have crushing chest pain",
        "my eyelid twitches and I suddenly see double",
    ],
)
def test_assess_json_puts_an_emergency_cause_first_at_an_emergency_level(
    capsys: pytest.CaptureFixture[str], text: str
) -> None:
    """SPEC.md: at an emergency level the first entry of ``conditions`` is a cause whose own
    usual level is an emergency, so the ranking never contradicts the banner."""
    code, out, _ = run(capsys, "assess", "--text", text, "--age", "70", "--json")
    assert code == 0
    result = json.loads(out)
    assert result["triage"]["level"] in ("emergency_ambulance", "emergency")
    first = result["conditions"][0]
    assert first["usual_triage"] in ("emergency_ambulance", "emergency")
    assert first["explains_level"] is True
    assert all(0 <= c["probability"] <= 0.95 for c in result["conditions"])


def test_interactive_says_when_nothing_was_read_before_asking(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, lines = interview(
        capsys, monkeypatch, ["0"] + ["d"] * 40, "--text", "my zorblat is flimflam"
    )
    assert code == 0
    notice = next(i for i, line in enumerate(lines) if "could not read anything" in line)
    first_question = next(i for i, line in enumerate(lines) if "Emergency check" in line)
    assert notice < first_question


def test_assess_json_lists_what_it_could_not_read(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "assess", "--text", "cramps in my calf and my zorblat is flimflam", "--json"
    )
    assert code == 0
    assert json.loads(out)["not_understood"] == ["my zorblat is flimflam"]
