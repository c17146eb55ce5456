"""Intake questionnaire, triage, examination, diagnoses and imaging referrals."""
