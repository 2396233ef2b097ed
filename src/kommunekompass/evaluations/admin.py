from django.contrib import admin

from kommunekompass.evaluations.models import Evaluation, Municipality


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "number", "county", "country", "population"]
    list_filter = ["country"]
    search_fields = ["name", "number", "county"]


@admin.register(Evaluation)
class EvaluationAdmin(admin.ModelAdmin):
    list_display = ["municipality", "year", "framework", "status"]
    list_filter = ["status", "framework"]
    list_select_related = ["municipality", "framework"]
