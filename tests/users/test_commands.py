"""``manage.py users`` and ``manage.py default_user``."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from apps.users.models import User
from apps.users.policies import IAMPolicy
from tests.cli import manage
from tests.factories import UserFactory

SECRET = "s" * 30 + "0123456789abcdefghijklmnopqrst"


def run(*args: str) -> str:
    out = StringIO()
    call_command("users", *args, stdout=out)
    return out.getvalue()


def fails(*args: str) -> str:
    with pytest.raises(CommandError) as raised:
        run(*args)
    return str(raised.value)


@pytest.fixture
def multi_user(settings) -> None:
    settings.PLYNX_MULTI_USER = True


@pytest.mark.django_db
def test_create_user() -> None:
    output = run("create_user", "--username", "ada", "--password", "analytical engine", "--email", "ada@example.com")
    user = User.objects.get(username="ada")
    assert output == f"Created user ada (id {user.pk}).\n"
    assert user.email == "ada@example.com"
    assert user.check_password("analytical engine")
    assert user.is_active is True
    assert user.is_admin is False


@pytest.mark.django_db
def test_create_admin() -> None:
    output = run("create_user", "--username", "root", "--password", "pw", "--admin")
    user = User.objects.get(username="root")
    assert output.endswith(", admin).\n")
    assert user.is_admin is True
    assert IAMPolicy.IS_ADMIN.value in user.policies


@pytest.mark.django_db
def test_duplicate_username_is_refused_regardless_of_case() -> None:
    UserFactory(username="ada")
    assert fails("create_user", "--username", "ADA", "--password", "x") == (
        "User 'ADA' already exists. (USERNAME_ALREADY_EXISTS)"
    )
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_duplicate_email_is_refused() -> None:
    UserFactory(username="ada", email="ada@example.com")
    message = fails("create_user", "--username", "bob", "--password", "x", "--email", "ADA@example.com")
    assert message == "Email 'ADA@example.com' is already used by another user. (EMAIL_ALREADY_EXISTS)"
    assert not User.objects.filter(username="bob").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("email", ["not-an-email", "a@b", "ada@@example.com"])
def test_bad_email_is_refused(email: str) -> None:
    assert fails("create_user", "--username", "ada", "--password", "x", "--email", email) == (
        f"Invalid email address {email!r}. (INVALID_EMAIL)"
    )
    assert User.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("username", "code"),
    [("  ", "EMPTY_USERNAME"), ("ada lovelace", "INVALID_USERNAME"), ("x" * 151, "INVALID_USERNAME")],
)
def test_bad_username_is_refused(username: str, code: str) -> None:
    assert fails("create_user", "--username", username, "--password", "x").endswith(f"({code})")
    assert User.objects.count() == 0


@pytest.mark.django_db
def test_empty_password_is_refused_in_multi_user_mode(multi_user: None) -> None:
    message = fails("create_user", "--username", "ada", "--password", "")
    assert message == "A password is required in multi-user mode. (EMPTY_PASSWORD)"
    # Without --password and without a terminal there is nobody to ask: still empty, still refused.
    assert fails("create_user", "--username", "ada") == message
    assert User.objects.count() == 0


@pytest.mark.django_db
def test_weak_password_is_refused_in_multi_user_mode(multi_user: None) -> None:
    message = fails("create_user", "--username", "ada", "--password", "12345678")
    assert message.endswith("(WEAK_PASSWORD)")
    assert "too common" in message
    assert User.objects.count() == 0


@pytest.mark.django_db
def test_empty_password_is_allowed_in_single_user_mode() -> None:
    run("create_user", "--username", "ada")
    assert User.objects.get(username="ada").check_password("")


@pytest.mark.django_db
def test_list_users() -> None:
    UserFactory(username="bob", email="bob@example.com", policies=["CAN_VIEW_OPERATIONS"])
    UserFactory(username="ada", email="", is_active=False, policies=["IS_ADMIN"])
    lines = run("list_users").splitlines()
    assert lines[0].split() == ["id", "username", "email", "active", "admin", "policies"]
    ada, bob = User.objects.get(username="ada"), User.objects.get(username="bob")
    assert lines[1].split() == [str(ada.pk), "ada", "no", "yes", "IS_ADMIN"]
    assert lines[2].split() == [str(bob.pk), "bob", "bob@example.com", "yes", "no", "CAN_VIEW_OPERATIONS"]
    assert len(lines) == 3


@pytest.mark.django_db
def test_activate_and_deactivate() -> None:
    UserFactory(username="ada")
    assert run("deactivate_user", "--username", "ada") == "User ada is now inactive.\n"
    assert User.objects.get(username="ada").is_active is False
    assert run("activate_user", "--username", "Ada") == "User ada is now active.\n"
    assert User.objects.get(username="ada").is_active is True


@pytest.mark.django_db
def test_unknown_user_cannot_be_activated() -> None:
    assert fails("activate_user", "--username", "ghost") == "No user 'ghost'. (USER_NOT_FOUND)"
    assert fails("deactivate_user", "--username", "ghost") == "No user 'ghost'. (USER_NOT_FOUND)"


@pytest.mark.django_db
def test_default_user_is_created_once_in_single_user_mode() -> None:
    out = StringIO()
    call_command("default_user", stdout=out)
    call_command("default_user", stdout=out)
    user = User.objects.get(username="default")
    assert User.objects.count() == 1
    assert user.check_password("")
    assert user.is_admin is True
    assert out.getvalue().count("every request acts as user 'default'") == 2


@pytest.mark.django_db
def test_default_user_is_not_created_in_multi_user_mode(multi_user: None) -> None:
    out = StringIO()
    call_command("default_user", stdout=out)
    assert User.objects.count() == 0
    assert "no default user is created" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_real_command_line_exit_codes_and_messages() -> None:
    created = manage("users", "create_user", "--username", "ada", "--password", "pw")
    assert created.returncode == 0, created.stderr
    assert created.stdout.startswith("Created user ada")

    duplicate = manage("users", "create_user", "--username", "ada", "--password", "pw")
    assert duplicate.returncode == 1
    assert duplicate.stderr.strip() == "CommandError: User 'ada' already exists. (USERNAME_ALREADY_EXISTS)"

    empty = manage("users", "create_user", "--username", "bob", env={"PLYNX_SECRET_KEY": SECRET}, stdin="")
    assert empty.returncode == 1
    assert "A password is required in multi-user mode. (EMPTY_PASSWORD)" in empty.stderr

    missing_mode = manage("users")
    assert missing_mode.returncode != 0
    assert "MODE" in missing_mode.stderr
    assert list(User.objects.values_list("username", flat=True)) == ["ada"]
