"""Permission-matrix rows of the inbox (待办): every signed-in role with a role has one; what
it lists is cut by restrict (tests/lifecycle/pages/test_inbox.py checks the content)."""

from tests.web.permission_codes import page

ROWS = {("lifecycle:inbox", ""): page()}
