from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import BaseUserCreationForm, UserChangeForm
from django.http import HttpRequest

from apps.users.models import LoginFailure, User
from apps.users.policies import IAMPolicy


class _PoliciesField(forms.MultipleChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.pop("encoder", None)
        kwargs.pop("decoder", None)
        kwargs.pop("max_length", None)
        super().__init__(choices=IAMPolicy.choices, widget=forms.CheckboxSelectMultiple, required=False, **kwargs)


class UserChangeAdminForm(UserChangeForm[User]):
    policies = _PoliciesField()

    class Meta:
        model = User
        fields = "__all__"


class UserCreationAdminForm(BaseUserCreationForm[User]):
    class Meta:
        model = User
        fields = ["username", "email"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin[User]):
    form = UserChangeAdminForm
    add_form = UserCreationAdminForm
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Profile", {"fields": ("email", "display_name", "picture")}),
        ("Access", {"fields": ("is_active", "policies")}),
        ("Dates", {"fields": ("last_login", "created_at", "updated_at")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("username", "email", "password1", "password2")}),)
    list_display = ["username", "email", "display_name", "is_active", "admin", "created_at"]
    list_filter = ["is_active", "created_at"]
    search_fields = ["username", "email", "display_name"]
    readonly_fields = ["created_at", "updated_at", "last_login"]
    ordering = ["username"]
    filter_horizontal = ()

    @admin.display(boolean=True, description="Admin")
    def admin(self, user: User) -> bool:
        return user.is_admin

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Users own operations, workflows and runs: deactivate them instead of deleting.
        return False


@admin.register(LoginFailure)
class LoginFailureAdmin(admin.ModelAdmin[LoginFailure]):
    """Recent failed sign-ins; deleting a user name's rows lifts its lockout at once."""

    list_display = ("username", "ip", "at")
    list_filter = ("at",)
    search_fields = ("username", "ip")
    ordering = ("-at",)
    readonly_fields = ("username", "ip", "at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: LoginFailure | None = None) -> bool:
        return False
