"""Export layer: the clinician report (PDF), the FHIR R4B bundle and the diary CSV."""
