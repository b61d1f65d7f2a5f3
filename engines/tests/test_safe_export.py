import pytest

from engines.safe_export import neutralise_cell


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+44 1234", "'+44 1234"),
        ("-3.5", "-3.5"),
        ("+44", "+44"),
        ("\uff1dSUM(A1)", "'\uff1dSUM(A1)"),
        ("-1+2", "'-1+2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("Hillside <script>alert(1)</script> School", "Hillside <script>alert(1)</script> School"),
        ("St Mary's", "St Mary's"),
        (-5, -5),
        (3.5, 3.5),
        ("", ""),
    ],
)
def test_formula_prefixes_are_neutralised_and_data_kept(given, expected):
    assert neutralise_cell(given) == expected
