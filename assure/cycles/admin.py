from django.contrib import admin

from .models import Cycle, CycleStep, DeadlineReminder
from .signals import ccg_joined_cycle


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

    def save_related(self, request, form, formsets, change):
        # CCGs added here join the cycle as they do through the cycle pages (the admin saves in one transaction).
        before = set(form.instance.ccgs.values_list("pk", flat=True)) if change else set()
        super().save_related(request, form, formsets, change)
        for ccg in form.instance.ccgs.exclude(pk__in=before):
            ccg_joined_cycle.send(sender=Cycle, cycle=form.instance, ccg=ccg)


@admin.register(DeadlineReminder)
class DeadlineReminderAdmin(admin.ModelAdmin):
    list_display = ["step", "organisation", "recipient", "days_before", "status", "sent_at"]
    list_filter = ["status", "days_before"]
    list_select_related = ["step__cycle", "organisation", "recipient"]
    readonly_fields = [f.name for f in DeadlineReminder._meta.fields]
