"""Meeting pages. Views parse input, call selectors and services, render.

Every action is a plain form POST that redirects back to the meeting page;
htmx and a small script only enhance (dragging agenda items). A failed form
re-renders with what was typed and status 400.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from copse.accounts.models import User
from copse.communities.selectors import community_by_slug_for
from copse.core import cursors, permissions, uploads
from copse.core.errors import UserFacingError
from copse.meetings import forms, selectors, services
from copse.meetings import page as page_parts
from copse.meetings.models import ActionItem, AgendaItem, Material, MeetingSeries
from copse.meetings.recurrence import describe_rrule


def _community_organisations(community):
    """Host candidates: organisations of the community's members, and those
    that offered to host (the rotation's suggestion is always among them)."""
    from copse.meetings.models import HostOffer
    from copse.organisations.models import Organisation

    return Organisation.objects.filter(
        Q(
            pk__in=community.memberships.filter(status__in=("active", "on_leave")).values(
                "organisation_id"
            )
        )
        | Q(
            pk__in=HostOffer.objects.filter(community=community, willing=True).values(
                "organisation_id"
            )
        )
    ).order_by("name")


def _back(meeting, anchor=""):
    return redirect(meeting.get_absolute_url() + (f"#{anchor}" if anchor else ""))


def _item(meeting, item_id) -> AgendaItem:
    item = meeting.agenda_items.filter(pk=item_id).first()
    if item is None:
        raise Http404
    item.meeting = meeting
    return item


# --- Lists ------------------------------------------------------------------------


@require_GET
def meeting_list(request, slug):
    community = community_by_slug_for(request.user, slug, "community.read")
    past, next_cursor = selectors.past_meetings(
        request.user, community, before=request.GET.get("before")
    )
    context = {
        "community": community,
        "upcoming": selectors.upcoming_meetings(request.user, community),
        "past": past,
        "next_cursor": next_cursor,
        "may_schedule": permissions.can(request.user, "community.schedule_meetings", community),
        "may_organise": permissions.can(request.user, "community.organise_side_meeting", community),
        "series": selectors.series_of(request.user, community),
    }
    return render(request, "meetings/list.html", context)


@require_GET
def meeting_records(request, slug):
    """Published meeting summaries: the start of the community's library."""
    community = community_by_slug_for(request.user, slug, "community.read")
    records, next_cursor = selectors.past_meetings(
        request.user, community, before=request.GET.get("before"), records_only=True
    )
    context = {"community": community, "records": records, "next_cursor": next_cursor}
    return render(request, "meetings/records.html", context)


@login_required
@require_GET
def my_meetings(request):
    return render(
        request,
        "meetings/mine.html",
        {"meetings": selectors.my_upcoming_meetings(request.user)},
    )


# --- Creating and changing meetings --------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def meeting_new(request, slug):
    community = community_by_slug_for(request.user, slug, "community.read")
    may_schedule = permissions.can(request.user, "community.schedule_meetings", community)
    if not may_schedule and not permissions.can(
        request.user, "community.organise_side_meeting", community
    ):
        raise Http404
    organisations = _community_organisations(community)
    suggestion = services.suggested_host(community) if may_schedule else None
    form = forms.MeetingForm(
        request.POST or None,
        organisations=organisations,
        members=selectors.seated_users(community),
        may_schedule=may_schedule,
        suggestion=suggestion,
        initial={
            "time_zone": request.user.time_zone,
            "host_organisation": suggestion.pk if suggestion else None,
            "kind": request.GET.get("kind", "regular") if may_schedule else "side",
            "format": "half_day_dinner",
        },
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                meeting = services.create_meeting(
                    actor=request.user,
                    community=community,
                    kind=form.cleaned_data["kind"],
                    capacity=form.cleaned_data["capacity"],
                    **form.meeting_fields(),
                )
            except UserFacingError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Meeting scheduled. Add the agenda next."))
                return redirect(meeting.get_absolute_url())
        status = 400
    context = {"community": community, "form": form, "suggestion": suggestion}
    return render(request, "meetings/meeting_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request, slug, meeting_id):
    meeting = selectors.meeting_for(request.user, slug, meeting_id, "meeting.manage")
    community = meeting.community
    may_schedule = permissions.can(request.user, "community.schedule_meetings", community)
    suggestion = services.suggested_host(community) if may_schedule else None
    form = forms.MeetingForm(
        request.POST or None,
        initial=forms.MeetingForm.initial_for(meeting),
        organisations=_community_organisations(community),
        members=selectors.seated_users(community),
        may_schedule=may_schedule,
        suggestion=suggestion,
    )
    form.fields.pop("kind")
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.update_meeting(
                    actor=request.user, meeting=meeting, **form.meeting_fields()
                )
                if form.cleaned_data["capacity"] != meeting.capacity:
                    services.set_capacity(
                        actor=request.user, meeting=meeting, capacity=form.cleaned_data["capacity"]
                    )
            except UserFacingError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Meeting updated. People who answered were told."))
                return _back(meeting)
        status = 400
    context = {
        "community": community,
        "meeting": meeting,
        "form": form,
        "suggestion": suggestion,
    }
    return render(request, "meetings/meeting_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_cancel(request, slug, meeting_id):
    meeting = selectors.meeting_for(request.user, slug, meeting_id, "meeting.manage")
    form = forms.CancelForm(request.POST or None, community=meeting.community)
    if request.method == "POST" and form.is_valid():
        services.cancel_meeting(
            actor=request.user, meeting=meeting, reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("Meeting cancelled. Everyone who answered was told."))
        return _back(meeting)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "meetings/cancel.html",
        {"meeting": meeting, "community": meeting.community, "form": form},
        status=status,
    )


# --- Series and hosts ------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def series_list(request, slug):
    community = community_by_slug_for(request.user, slug, "community.read")
    may_schedule = permissions.can(request.user, "community.schedule_meetings", community)
    form = forms.SeriesForm(
        request.POST or None,
        initial={"time_zone": request.user.time_zone, "format": "half_day_dinner"},
    )
    status = 200
    if request.method == "POST":
        if not may_schedule:
            raise Http404
        if form.is_valid():
            series = services.create_series(
                actor=request.user, community=community, **form.cleaned_data
            )
            created = series.meetings.count()
            messages.success(
                request,
                ngettext(
                    "Series created with its next %(count)d meeting.",
                    "Series created with its next %(count)d meetings.",
                    created,
                )
                % {"count": created},
            )
            return redirect("meetings:series", slug=community.slug)
        status = 400
    series = selectors.series_of(request.user, community)
    for one in series:
        one.described = describe_rrule(one.rrule)
    context = {
        "community": community,
        "series": series,
        "form": form if may_schedule else None,
    }
    return render(request, "meetings/series.html", context, status=status)


@login_required
@require_POST
def series_action(request, slug, series_id):
    community = community_by_slug_for(request.user, slug, "community.schedule_meetings")
    series = MeetingSeries.objects.filter(pk=series_id, community=community).first()
    if series is None:
        raise Http404
    if request.POST.get("action") == "end":
        services.end_series(actor=request.user, series=series)
        messages.success(
            request,
            _("“%(title)s” ends; meetings already scheduled stay.") % {"title": series.title},
        )
    else:
        created = services.generate_meetings(series=series)
        messages.success(
            request,
            ngettext(
                "%(count)d more meeting on the calendar.",
                "%(count)d more meetings on the calendar.",
                len(created),
            )
            % {"count": len(created)}
            if created
            else _("The next six months are already on the calendar."),
        )
    return redirect("meetings:series", slug=community.slug)


@login_required
@require_http_methods(["GET", "POST"])
def hosts(request, slug):
    community = community_by_slug_for(request.user, slug, "community.read")
    may_schedule = permissions.can(request.user, "community.schedule_meetings", community)
    organisations = _community_organisations(community)
    if not may_schedule:
        organisations = organisations.filter(pk=request.user.organisation_id)
    form = forms.HostOfferForm(request.POST or None, organisations=organisations)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.set_host_offer(
                    actor=request.user, community=community, **form.cleaned_data
                )
            except UserFacingError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Saved."))
                return redirect("meetings:hosts", slug=community.slug)
        status = 400
    may_offer = may_schedule or permissions.can(request.user, "community.contribute", community)
    context = {
        "community": community,
        "rotation": services.host_rotation(community),
        "form": form if may_offer and organisations.exists() else None,
        "may_schedule": may_schedule,
    }
    return render(request, "meetings/hosts.html", context, status=status)


# --- The meeting page --------------------------------------------------------------------


def _agenda_form(request, meeting, data=None):
    return page_parts.agenda_form(request.user, meeting, data)


def _detail_context(request, meeting, **forms_in_error):
    """The page for the viewer. The parts below "Are you coming?" come from
    the cache (meetings/page.py) unless a form there is shown with errors."""
    if not hasattr(meeting, "my_rsvp"):
        # After a failed form: the viewer's answer was not read with the meeting.
        meeting = selectors.meeting_with_viewer(request.user, meeting.community.slug, meeting.pk)
    rsvp_form = forms_in_error.pop("rsvp_form", None)
    page = page_parts.meeting_page(request.user, meeting)
    if rsvp_form is None and page.asks_rsvp and page.may["rsvp"]:
        rsvp_form = _rsvp_form(meeting, page.my_rsvp)
    return {
        "community": meeting.community,
        "meeting": meeting,
        "page": page,
        "may": page.may,
        "rsvp_form": rsvp_form,
        "over": page.over,
        "started": page.started,
        "description_html": mark_safe(page.index.description_html),  # noqa: S308
        "parts": page_parts.parts_html(request, page, forms_in_error),
    }


def _rsvp_form(meeting, mine):
    form = forms.RsvpForm(
        initial={
            "answer": mine.answer if mine else None,
            "dinner": mine.dinner if mine else False,
            "dinner_note": mine.dinner_note if mine else "",
            "dietary_needs": mine.dietary_needs if mine else "",
        }
    )
    if not meeting.has_dinner:
        del form.fields["dinner"], form.fields["dinner_note"]
    return form


def _now():
    from django.utils import timezone

    return timezone.now()


@require_GET
def meeting_detail(request, slug, meeting_id):
    meeting = selectors.meeting_with_viewer(request.user, slug, meeting_id)
    # Who presents comes with the page's outline; a guest presenter's view depends on it.
    page_parts.know_presenters(meeting, page_parts.index(meeting))
    permissions.require_or_404(request.user, "meeting.view", meeting)
    return render(request, "meetings/detail.html", _detail_context(request, meeting))


@require_GET
def meeting_people(request, slug, meeting_id):
    """Everyone who answered, when the meeting page lists only the first."""
    meeting = selectors.meeting_for(request.user, slug, meeting_id, "meeting.view_attendees")
    context = {
        "community": meeting.community,
        "meeting": meeting,
        "people": selectors.meeting_people(meeting),
        "may_view_dietary": permissions.can(request.user, "meeting.view_dietary", meeting),
        "over": meeting.ends_at <= _now(),
    }
    return render(request, "meetings/people.html", context)


def _detail_with_error(request, meeting, status=400, **forms_in_error):
    context = _detail_context(request, meeting, **forms_in_error)
    return render(request, "meetings/detail.html", context, status=status)


def _submit(request, meeting, form, write, *, anchor, form_name, done="", **extra):
    """The meeting page's forms: on success write and go back to the section;
    otherwise show the page again with the form's errors and what was typed."""
    if form.is_valid():
        try:
            write(form.cleaned_data)
        except UserFacingError as error:
            form.add_error(None, error.message)
        else:
            if done:
                messages.success(request, done)
            return _back(meeting, anchor)
    return _detail_with_error(request, meeting, **{form_name: form}, **extra)


# --- Agenda ----------------------------------------------------------------------------


@login_required
@require_POST
def agenda_add(request, slug, meeting_id):
    meeting = selectors.meeting_for(request.user, slug, meeting_id, "meeting.manage")
    return _submit(
        request,
        meeting,
        _agenda_form(request, meeting, request.POST),
        lambda data: services.add_agenda_item(actor=request.user, meeting=meeting, **data),
        anchor="agenda",
        form_name="agenda_form",
        done=_("Added to the agenda."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def agenda_item_edit(request, slug, meeting_id, item_id):
    meeting = selectors.meeting_for(request.user, slug, meeting_id, "meeting.manage")
    item = _item(meeting, item_id)
    form = forms.AgendaItemEditForm(
        request.POST or None,
        initial={"title": item.title, "minutes": item.minutes, "notes": item.notes},
    )
    invite_form = forms.PresenterInviteForm()
    if request.method == "POST" and form.is_valid():
        services.update_agenda_item(actor=request.user, item=item, **form.cleaned_data)
        messages.success(request, _("Agenda item saved."))
        return _back(meeting, "agenda")
    status = 400 if request.method == "POST" else 200
    context = {
        "community": meeting.community,
        "meeting": meeting,
        "item": item,
        "form": form,
        "invite_form": invite_form,
    }
    return render(request, "meetings/agenda_item.html", context, status=status)


@login_required
@require_POST
def agenda_item_remove(request, slug, meeting_id, item_id):
    meeting = selectors.meeting_for(request.user, slug, meeting_id, "meeting.manage")
    item = _item(meeting, item_id)
    services.remove_agenda_item(actor=request.user, item=item)
    messages.success(request, _("“%(title)s” removed from the agenda.") % {"title": item.title})
    return _back(meeting, "agenda")


@login_required
@require_POST
def agenda_item_move(request, slug, meeting_id, item_id):
    meeting = selectors.meeting_for(request.user, slug, meeting_id, "meeting.manage")
    item = _item(meeting, item_id)
    direction = "up" if request.POST.get("direction") == "up" else "down"
    services.move_agenda_item(actor=request.user, item=item, direction=direction)
    if request.htmx:
        return HttpResponse(status=204)
    return _back(meeting, f"item-{item.pk}")


@login_required
@require_POST
def agenda_reorder(request, slug, meeting_id):
    """The drag-and-drop path: the whole order at once."""
    meeting = selectors.meeting_for(request.user, slug, meeting_id, "meeting.manage")
    ordered_ids = [cursors.integer(value, minimum=1) for value in request.POST.getlist("order")]
    if None in ordered_ids:
        return HttpResponse("The order must be a list of agenda item ids.", status=400)
    services.reorder_agenda(actor=request.user, meeting=meeting, ordered_ids=ordered_ids)
    if request.htmx:
        return HttpResponse(status=204)
    return _back(meeting, "agenda")


@login_required
@require_POST
def presenter_invite(request, slug, meeting_id, item_id):
    meeting = selectors.meeting_for(request.user, slug, meeting_id, "meeting.manage")
    item = _item(meeting, item_id)
    form = forms.PresenterInviteForm(request.POST)
    if form.is_valid():
        try:
            invitation = services.invite_presenter(
                actor=request.user, item=item, **form.cleaned_data
            )
        except UserFacingError as error:
            form.add_error(None, error.message)
        else:
            if invitation is None:
                messages.success(request, _("Presenter set."))
            else:
                messages.success(
                    request,
                    _(
                        "Invitation sent to %(email)s. They become the presenter "
                        "when they accept it."
                    )
                    % {"email": invitation.email},
                )
            return _back(meeting, "agenda")
    context = {
        "community": meeting.community,
        "meeting": meeting,
        "item": item,
        "form": forms.AgendaItemEditForm(
            initial={"title": item.title, "minutes": item.minutes, "notes": item.notes}
        ),
        "invite_form": form,
    }
    return render(request, "meetings/agenda_item.html", context, status=400)


# --- RSVP and attendance ------------------------------------------------------------------


@login_required
@require_POST
def rsvp(request, slug, meeting_id):
    meeting = selectors.meeting_for(request.user, slug, meeting_id, "meeting.rsvp")
    form = forms.RsvpForm(request.POST)
    if not meeting.has_dinner:
        del form.fields["dinner"], form.fields["dinner_note"]
    if form.is_valid():
        try:
            row = services.rsvp(actor=request.user, meeting=meeting, **form.cleaned_data)
        except UserFacingError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _rsvp_message(row))
            return _back(meeting, "rsvp")
    return _detail_with_error(request, meeting, rsvp_form=form)


def _rsvp_message(row) -> str:
    if row.place == "going":
        return _("You have a place. See you there.")
    if row.place == "waitlisted":
        return _(
            "The meeting is full: you are on the waitlist and will be told when a place opens."
        )
    if row.answer == "maybe":
        return _("Noted as maybe.")
    return _("Noted: you will not come.")


@login_required
@require_POST
def send_delegate(request, slug, meeting_id):
    meeting = selectors.meeting_for(request.user, slug, meeting_id, "meeting.send_delegate")
    delegate = User.objects.filter(
        pk=cursors.integer(request.POST.get("delegate"), minimum=1) or 0
    ).first()
    try:
        row = services.send_delegate(actor=request.user, meeting=meeting, delegate=delegate)
    except UserFacingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _delegate_message(delegate, row))
    return _back(meeting, "rsvp")


def _delegate_message(delegate, row) -> str:
    if row.place == "waitlisted":
        return _("%(name)s is on the waitlist in your place and was told.") % {
            "name": delegate.name
        }
    return _("%(name)s goes in your place and was told.") % {"name": delegate.name}


@login_required
@require_http_methods(["GET", "POST"])
def attendance(request, slug, meeting_id):
    """At the door, on a phone: one tap per person."""
    meeting = selectors.meeting_for(request.user, slug, meeting_id, "meeting.take_attendance")
    if request.method == "POST":
        person = User.objects.filter(
            pk=cursors.integer(request.POST.get("user"), minimum=1) or 0
        ).first()
        if person is None:
            raise Http404
        try:
            row = services.record_attendance(
                actor=request.user,
                meeting=meeting,
                user=person,
                attended=request.POST.get("attended") == "1",
            )
        except UserFacingError as error:
            messages.error(request, error.message)
        else:
            if request.htmx:
                # The tapped name in place, and the count beside it (out of band).
                context = {
                    "meeting": meeting,
                    "person": person,
                    "row": row,
                    "presenting": not permissions.standing(person, meeting.community).is_seated,
                    "present": selectors.present_count(meeting),
                }
                return HttpResponse(
                    render_to_string(
                        "meetings/attendance.html#attendance-row", context, request=request
                    )
                    + render_to_string(
                        "meetings/attendance.html#present-count-swap", context, request=request
                    )
                )
        return redirect(
            reverse("meetings:attendance", args=[slug, meeting_id]) + f"#person-{person.pk}"
        )
    context = {
        "community": meeting.community,
        "meeting": meeting,
        "rows": selectors.attendance_sheet(meeting),
        "present": selectors.present_count(meeting),
    }
    return render(request, "meetings/attendance.html", context)


# --- Materials ---------------------------------------------------------------------------


@login_required
@require_POST
def material_upload(request, slug, meeting_id):
    meeting = selectors.meeting_for(request.user, slug, meeting_id, "meeting.upload_material")
    page = page_parts.meeting_page(request.user, meeting)
    page_items = page_parts.load_parts(request.user, page).agenda
    form = forms.MaterialForm(request.POST, request.FILES, items=page_items)
    refused = uploads.refusal(request)
    if refused:
        # Stopped while it was received: the form never saw the file.
        form.is_valid()
        form.errors["file"] = form.error_class(
            [_("%(refused)s Choose a smaller file.") % {"refused": refused}]
        )
        return _detail_with_error(request, meeting, status=413, material_form=form)
    if form.is_valid():
        item = None
        if form.cleaned_data["agenda_item"]:
            item = next((i for i in page_items if i.pk == form.cleaned_data["agenda_item"]), None)
        try:
            services.upload_material(
                actor=request.user,
                meeting=meeting,
                uploaded_file=form.cleaned_data["file"],
                agenda_item=item,
            )
        except UserFacingError as error:
            form.add_error("file", error.message)
        else:
            messages.success(request, _("Shared with the meeting."))
            return _back(meeting, "materials")
    return _detail_with_error(request, meeting, material_form=form)


def _material(request, slug, meeting_id, material_id, action) -> Material:
    material = (
        Material.objects.select_related("meeting__community")
        .filter(pk=material_id, meeting_id=meeting_id, meeting__community__slug=slug)
        .first()
    )
    if material is None:
        raise Http404
    permissions.require_or_404(request.user, action, material)
    return material


@require_GET
def material_download(request, slug, meeting_id, material_id):
    """Files are only ever sent here, after the permission check, as attachments."""
    material = _material(request, slug, meeting_id, material_id, "material.download")
    try:
        handle = material.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=material.original_name,
        content_type=material.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
@require_POST
def material_remove(request, slug, meeting_id, material_id):
    material = _material(request, slug, meeting_id, material_id, "material.remove")
    meeting = material.meeting
    services.remove_material(actor=request.user, material=material)
    messages.success(request, _("“%(name)s” removed.") % {"name": material.original_name})
    return _back(meeting, "materials")


# --- Summary, action items, feedback --------------------------------------------------------


@login_required
@require_POST
def summary_save(request, slug, meeting_id):
    meeting = selectors.meeting_for(request.user, slug, meeting_id, "meeting.manage")
    if meeting.summary_is_published:
        return _summary_revise(request, meeting)
    form = forms.SummaryForm(request.POST)
    if form.is_valid():
        try:
            services.save_summary_draft(
                actor=request.user, meeting=meeting, markdown=form.cleaned_data["summary"]
            )
            if request.POST.get("publish") == "1":
                services.publish_summary(actor=request.user, meeting=meeting)
                messages.success(request, _("Summary published: it is now the meeting record."))
            else:
                messages.success(request, _("Draft saved. Members can comment on it."))
        except UserFacingError as error:
            form.add_error(None, error.message)
        else:
            return _back(meeting, "summary")
    return _detail_with_error(request, meeting, summary_form=form)


def _summary_revise(request, meeting):
    form = forms.SummaryRevisionForm(request.POST)
    if form.is_valid():
        try:
            services.revise_summary(
                actor=request.user,
                meeting=meeting,
                markdown=form.cleaned_data["summary"],
                change_note=form.cleaned_data["change_note"],
            )
        except UserFacingError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, _("Record corrected. The earlier text stays in its versions.")
            )
            return _back(meeting, "summary")
    return _detail_with_error(request, meeting, summary_form=form)


@login_required
@require_POST
def summary_comment(request, slug, meeting_id):
    meeting = selectors.meeting_for(request.user, slug, meeting_id, "meeting.comment_summary")
    return _submit(
        request,
        meeting,
        forms.CommentForm(request.POST),
        lambda data: services.comment_on_summary(
            actor=request.user, meeting=meeting, body=data["body"]
        ),
        anchor="summary",
        form_name="comment_form",
    )


@login_required
@require_POST
def action_add(request, slug, meeting_id):
    meeting = selectors.meeting_for(request.user, slug, meeting_id, "meeting.manage")
    return _submit(
        request,
        meeting,
        forms.ActionItemForm(request.POST, members=selectors.seated_users(meeting.community)),
        lambda data: services.add_action_item(actor=request.user, meeting=meeting, **data),
        anchor="actions",
        form_name="action_form",
    )


@login_required
@require_POST
def action_done(request, slug, meeting_id, action_id):
    meeting = selectors.meeting_for(request.user, slug, meeting_id, "meeting.view_whole")
    item = ActionItem.objects.filter(pk=action_id, meeting=meeting).first()
    if item is None:
        raise Http404
    item.meeting = meeting
    try:
        services.set_action_item_done(
            actor=request.user, item=item, done=request.POST.get("done") == "1"
        )
    except UserFacingError as error:
        messages.error(request, error.message)
    return _back(meeting, "actions")


@login_required
@require_POST
def feedback(request, slug, meeting_id, item_id):
    meeting = selectors.meeting_for(request.user, slug, meeting_id, "meeting.give_feedback")
    item = _item(meeting, item_id)
    return _submit(
        request,
        meeting,
        forms.FeedbackForm(request.POST, prefix=f"feedback-{item.pk}"),
        lambda data: services.give_feedback(actor=request.user, item=item, **data),
        anchor=f"item-{item.pk}",
        form_name="feedback_form",
        done=_("Thank you: the facilitators will read it."),
        feedback_item=item.pk,
    )


@login_required
@require_POST
def feedback_share(request, slug, meeting_id, item_id):
    meeting = selectors.meeting_for(request.user, slug, meeting_id, "meeting.share_feedback")
    item = _item(meeting, item_id)
    shared = request.POST.get("shared") == "1"
    try:
        services.share_feedback(actor=request.user, item=item, shared=shared)
    except UserFacingError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(name)s now sees the feedback on “%(title)s”, without names.")
            % {"name": item.presenter.name, "title": item.title}
            if shared
            else _("The feedback on “%(title)s” is for the facilitators only again.")
            % {"title": item.title},
        )
    return _back(meeting, f"feedback-{item.pk}")
