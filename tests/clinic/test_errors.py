"""Domain errors (clinic.errors): raised without a web framework, answered in one place each."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.test import RequestFactory

from clinic import errors, roles
from clinic.exceptions import exception_handler
from clinic.forms import add_service_errors
from clinic.views import role_required


def test_it_imports_no_web_framework():
    tree = ast.parse(Path(errors.__file__).read_text())
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    } | {
        node.module.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module
    }

    assert imported <= {"__future__", "collections", "typing"}


def answer(exc: errors.DomainError):
    response = exception_handler(exc, {})
    return response.status_code, response.data


def test_it_answers_an_invalid_with_400_and_each_fields_messages():
    refused = errors.Invalid({"summary": "Write a discharge summary.", "reason": ["a", "b"]})

    assert answer(refused) == (
        400,
        {"summary": ["Write a discharge summary."], "reason": ["a", "b"]},
    )


def test_it_answers_not_found_with_404():
    assert answer(errors.NotFound("No such case.")) == (
        404,
        {"detail": "No such case.", "code": "not_found"},
    )


def test_it_answers_not_allowed_with_403():
    assert answer(errors.NotAllowed("Only a doctor reviews a report.")) == (
        403,
        {"detail": "Only a doctor reviews a report.", "code": "permission_denied"},
    )


def test_it_answers_a_conflict_with_409_its_code_and_its_context():
    conflict = errors.Conflict("Already discharged.", code="already_discharged", match=7)

    assert answer(conflict) == (
        409,
        {"detail": "Already discharged.", "code": "already_discharged", "match": 7},
    )


def test_it_answers_a_step_out_of_order_with_409_and_the_current_status():
    step = errors.InvalidTransition(
        "A referral that is reviewed cannot be cancelled.", current="reviewed"
    )

    assert answer(step) == (
        409,
        {
            "detail": "A referral that is reviewed cannot be cancelled.",
            "code": "invalid_transition",
            "status": "reviewed",
        },
    )


class SummaryForm(forms.Form):
    summary = forms.CharField()


def test_it_shows_an_invalid_beside_its_fields_and_the_rest_on_top():
    form = SummaryForm({"summary": "x"})
    assert form.is_valid()

    add_service_errors(
        form,
        errors.Invalid(
            {"summary": "Too short.", "scheduled_at": "In the future.", errors.NON_FIELD: "No."}
        ),
    )

    assert form.errors == {"summary": ["Too short."], "__all__": ["In the future.", "No."]}


def test_it_shows_a_conflict_on_top_of_the_form():
    form = SummaryForm({"summary": "x"})
    assert form.is_valid()

    add_service_errors(form, errors.Conflict("The case is closed.", code="case_closed"))

    assert form.errors == {"__all__": ["The case is closed."]}


@pytest.mark.parametrize(
    ("raised", "page_answer"),
    [
        (errors.NotFound("No such case."), Http404),
        (errors.NotAllowed("Not yours."), PermissionDenied),
    ],
)
def test_it_answers_a_pages_unhandled_refusal_with_the_pages_404_or_403(raised, page_answer, paula):
    @role_required(roles.PHYSIO)
    def page(request) -> HttpResponse:
        raise raised

    request = RequestFactory().get("/")
    request.user = paula

    with pytest.raises(page_answer):
        page(request)
