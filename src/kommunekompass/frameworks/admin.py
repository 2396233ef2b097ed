"""Frameworks are read-only in the admin: they change only by loading a new version."""

from django.contrib import admin

from kommunekompass.frameworks.models import FocusArea, Framework, Question, SubArea
from kommunekompass.lib.admin import ReadOnlyAdmin


@admin.register(Framework)
class FrameworkAdmin(ReadOnlyAdmin):
    list_display = ["key", "version", "__str__", "max_points", "loaded_at"]
    exclude = ["document", "source"]


@admin.register(FocusArea)
class FocusAreaAdmin(ReadOnlyAdmin):
    list_display = ["framework", "code", "__str__", "max_points"]
    list_filter = ["framework"]


@admin.register(SubArea)
class SubAreaAdmin(ReadOnlyAdmin):
    list_display = ["framework", "code", "__str__", "max_points"]
    list_filter = ["framework"]


@admin.register(Question)
class QuestionAdmin(ReadOnlyAdmin):
    list_display = ["framework", "code", "__str__"]
    list_filter = ["framework"]
    search_fields = ["code"]
