"""Cells for the CSV and XLSX files people open in a spreadsheet."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """A cell a spreadsheet will not run: text typed by someone (« =HYPERLINK(…) ») starts with a quote."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def append_safe_row(sheet, row) -> None:
    """`sheet.append(row)` for an openpyxl sheet, where text typed by someone stays text: openpyxl stores a string
    starting with « = » as a live formula (data type "f"); such cells are written as strings (data type "s")."""
    sheet.append(list(row))
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
            cell.data_type = "s"
