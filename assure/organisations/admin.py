from django.contrib import admin

from .models import Membership, Organisation, OrganisationType, Relation


@admin.register(OrganisationType)
class OrganisationTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "plural", "position"]


class RelationInline(admin.TabularInline):
    model = Relation
    fk_name = "subject"
    extra = 1
    autocomplete_fields = ["object"]
    verbose_name = "relation to another organisation"


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "type", "region", "active"]
    list_filter = ["type", "region", "active"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["region"]
    inlines = [RelationInline]
    list_select_related = ["type", "region"]


@admin.register(Relation)
class RelationAdmin(admin.ModelAdmin):
    list_display = ["subject", "kind", "object", "coterminous"]
    list_filter = ["kind", "coterminous"]
    search_fields = ["subject__name", "object__name", "subject__code", "object__code"]
    autocomplete_fields = ["subject", "object"]
    list_select_related = ["subject", "object"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "organisation"]
    list_filter = ["role"]
    search_fields = ["user__email", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]
    list_select_related = ["user", "organisation"]
