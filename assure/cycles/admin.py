from django.contrib import admin

from .models import Cycle, CycleStep


class CycleStepInline(admin.TabularInline):
    model = CycleStep
    extra = 1


@admin.register(Cycle)
class CycleAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "framework", "region", "starts_on", "ends_on"]
    list_filter = ["kind", "framework", "region"]
    search_fields = ["name"]
    autocomplete_fields = ["ccgs", "region"]
    inlines = [CycleStepInline]
    list_select_related = ["framework", "region"]
