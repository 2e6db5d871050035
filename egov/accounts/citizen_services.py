"""Citizen accounts: registration with a one-time code, VNeID login, organisations and authorisations.

Every write here leaves an audit entry. Codes are sent outside database transactions: the SMS
gateway may be egov's own simulator writing to the same database, and a held write lock would
make it wait for us while we wait for it.
"""

import re
import secrets
import smtplib
from datetime import datetime, timedelta

from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet, Sum
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts import services
from egov.accounts.models import (
    CitizenIdentity,
    OneTimeCode,
    Organisation,
    PendingRegistration,
    Representation,
    User,
)
from egov.accounts.oidc import VerifiedIdentity
from egov.core import audit
from egov.integrations.errors import IntegrationError
from egov.integrations.population import lookup_citizen
from egov.integrations.sms import normalise_phone, send_sms

CODE_LIFETIME = timedelta(minutes=10)
MAX_CODE_ATTEMPTS = 5
RESEND_INTERVAL = timedelta(seconds=60)
# A registration may ask for a handful of codes; more is someone using us to flood a phone.
MAX_CODE_SENDS = 5
# Codes to one mobile a day, over all registrations: nobody may use us to flood a citizen's phone.
MAX_CODES_PER_MOBILE_PER_DAY = 6
REGISTRATION_REQUESTER = "egov: citizen account registration"
REGISTRATION_PURPOSE = "Send the registration code to the mobile of the holder of the identification number"


# --- Errors ---------------------------------------------------------------------------------------


class DuplicateAccountError(Exception):
    """The identification number already has an account (told only to whoever proved the code)."""

    def __init__(self, field: str) -> None:
        super().__init__(field)
        self.field = field

    @property
    def message(self) -> str:
        return _("This identification number already has an account; log in or reset your password.")


class PopulationUnavailableError(Exception):
    """The population database could not be asked who holds the number."""


class TooManyCodesError(Exception):
    """The number's mobile has had as many codes today as it may."""


class CodeNotSentError(Exception):
    """The e-mail or SMS with the code could not be handed over."""


class ResendTooSoonError(Exception):
    def __init__(self, wait_seconds: int) -> None:
        super().__init__(wait_seconds)
        self.wait_seconds = wait_seconds


class CodeBlockedError(Exception):
    """Too many wrong codes (or codes sent): this registration must start again."""


class CodeExpiredError(Exception):
    pass


class WrongCodeError(Exception):
    def __init__(self, remaining: int) -> None:
        super().__init__(remaining)
        self.remaining = remaining


class RegistrationFinishedError(Exception):
    """The code was already used; the account exists."""


class IdentityRefusedError(Exception):
    """The provider vouched for someone whose account may not log in here."""


class OrganisationError(Exception):
    """A refused organisation or authorisation change; `message` is safe to show."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- Registration ---------------------------------------------------------------------------------


def mask(target: str) -> str:
    """An e-mail or phone shown so its owner recognises it and an onlooker learns little."""
    if "@" in target:
        local, _sep, domain = target.partition("@")
        return f"{local[:1]}***@{domain}"
    return "*" * max(len(target) - 4, 0) + target[-4:]


def _account_holds(national_id: str) -> bool:
    return User.objects.filter(Q(national_id=national_id) | Q(username=national_id)).exists()


def _email_taken(email: str) -> bool:
    return bool(email) and User.objects.filter(email__iexact=email).exists()


def _new_code() -> str:
    return f"{secrets.randbelow(10**6):06d}"


def _wait_before_resend(code: OneTimeCode, now: datetime) -> int:
    if code.sent_at is None:
        return 0
    return max(0, int((code.sent_at + RESEND_INTERVAL - now).total_seconds()) + 1)


def _holder_mobile(national_id: str) -> str:
    """The mobile the national population database holds for the number, or "" (none, or no such person)."""
    try:
        record = lookup_citizen(
            national_id, requested_by=REGISTRATION_REQUESTER, purpose=REGISTRATION_PURPOSE
        )
    except IntegrationError as error:
        raise PopulationUnavailableError from error
    if record is None or not record.contact.phone:
        return ""
    try:
        return normalise_phone(record.contact.phone)
    except ValidationError:
        return ""


def start_registration(*, full_name: str, national_id: str, email: str, password: str) -> PendingRegistration:
    """Keep what the citizen typed and send a code to the mobile that proves the number is theirs.

    A citizen cannot claim someone else's identification number: the code goes by SMS only to the
    mobile the national population database holds for that number (Luật Căn cước 2023 Điều 9
    k.25), never to a contact typed here. Every registration gets the same answer, so the form
    tells nobody whether the number already has an account, is in the database or has a mobile
    there: when it has an account, the holder's mobile gets a notice instead of a code; when there
    is no mobile, nothing is sent, and the code page asks for a code that does not exist.

    Raises PopulationUnavailableError, ResendTooSoonError (a code went to that mobile less than a
    minute ago), TooManyCodesError or CodeNotSentError.
    """
    phone = _holder_mobile(national_id)
    now = timezone.now()
    if phone:
        latest = (
            OneTimeCode.objects.filter(target=phone, sent_at__gt=now - RESEND_INTERVAL)
            .order_by("-sent_at")
            .first()
        )
        if latest is not None:
            raise ResendTooSoonError(_wait_before_resend(latest, now))
        sent_today = OneTimeCode.objects.filter(
            target=phone, created_at__gt=now - timedelta(days=1)
        ).aggregate(n=Sum("send_count"))["n"]
        if (sent_today or 0) >= MAX_CODES_PER_MOBILE_PER_DAY:
            raise TooManyCodesError
    raw = _new_code()
    with transaction.atomic():
        code = OneTimeCode.objects.create(
            purpose=OneTimeCode.Purpose.REGISTRATION,
            channel=OneTimeCode.Channel.SMS,
            target=phone,
            # Without a mobile the code is never sent: its hash is of a value nobody knows.
            code_hash=make_password(raw if phone else secrets.token_urlsafe(16)),
            created_at=now,
            sent_at=now if phone else None,
            send_count=1 if phone else 0,
            expires_at=now + CODE_LIFETIME,
        )
        pending = PendingRegistration.objects.create(
            full_name=full_name,
            national_id=national_id,
            email=email,
            phone=phone,
            password_hash=make_password(password),
            code=code,
            created_at=now,
        )
    if phone:
        _deliver(pending, raw)
    else:
        audit.record(
            actor=None, action="citizen.code_not_sent", target=pending, after={"reason": "no_mobile"}
        )
    return pending


def resend_code(pending: PendingRegistration) -> None:
    """A new code for the same registration, at most once a minute; wrong attempts still count."""
    now = timezone.now()
    code = pending.code
    code.refresh_from_db()
    if code.used_at is not None:
        raise RegistrationFinishedError
    if code.attempts >= MAX_CODE_ATTEMPTS or code.send_count >= MAX_CODE_SENDS:
        raise CodeBlockedError
    if not code.target:
        return  # nowhere to send it; the answer stays the same as for a real resend
    raw = _new_code()
    # The condition makes the throttle hold even for two clicks at once.
    claimed = OneTimeCode.objects.filter(
        Q(sent_at__isnull=True) | Q(sent_at__lte=now - RESEND_INTERVAL),
        pk=code.pk,
        used_at__isnull=True,
        send_count__lt=MAX_CODE_SENDS,
    ).update(
        code_hash=make_password(raw),
        sent_at=now,
        send_count=F("send_count") + 1,
        expires_at=now + CODE_LIFETIME,
    )
    if not claimed:
        raise ResendTooSoonError(_wait_before_resend(code, now))
    code.refresh_from_db()
    _deliver(pending, raw)


def _deliver(pending: PendingRegistration, raw: str) -> None:
    """Send the code, or, when the number already has an account, tell its holder instead."""
    code = pending.code
    minutes = int(CODE_LIFETIME.total_seconds() // 60)
    notice = _account_holds(pending.national_id)
    if notice:
        text = _(
            "Someone asked to register an egov account with your identification number, which "
            "already has one. If it was you, log in or reset your password; if not, ignore this."
        )
    else:
        text = _(
            "Your egov registration code is %(code)s. It is valid for %(minutes)s minutes. "
            "Do not give it to anyone."
        ) % {"code": raw, "minutes": minutes}
    try:
        if code.channel == OneTimeCode.Channel.EMAIL:
            send_mail(_("Your egov registration code"), text, None, [code.target])
        else:
            send_sms(code.target, text)
    except (IntegrationError, ValidationError, smtplib.SMTPException, OSError) as error:
        # A code that never left does not hold back the next attempt.
        OneTimeCode.objects.filter(pk=code.pk).update(sent_at=None)
        audit.record(
            actor=None,
            action="citizen.code_not_sent",
            target=pending,
            after={"channel": code.channel, "to": mask(code.target), "error": error.__class__.__name__},
        )
        raise CodeNotSentError from error
    if notice:
        # The code in this row can never be given now: nobody learns it.
        OneTimeCode.objects.filter(pk=code.pk).update(code_hash=make_password(secrets.token_urlsafe(16)))
    audit.record(
        actor=None,
        action="citizen.code_sent",
        target=pending,
        after={
            "channel": code.channel,
            "to": mask(code.target),
            "purpose": code.purpose,
            "content": "account_exists" if notice else "code",
        },
    )


def confirm_registration(pending: PendingRegistration, raw: str) -> User:
    """Create the citizen's account if the code is right; count and refuse a wrong one.

    Raises CodeBlockedError, CodeExpiredError, WrongCodeError, RegistrationFinishedError or
    DuplicateAccountError (an account took the number meanwhile).
    """
    code = pending.code
    code.refresh_from_db()
    now = timezone.now()
    if code.used_at is not None:
        raise RegistrationFinishedError
    if code.attempts >= MAX_CODE_ATTEMPTS:
        raise CodeBlockedError
    if code.expires_at <= now:
        raise CodeExpiredError
    if not check_password(raw, code.code_hash):
        with transaction.atomic():
            OneTimeCode.objects.filter(pk=code.pk, attempts__lt=MAX_CODE_ATTEMPTS).update(
                attempts=F("attempts") + 1
            )
            code.refresh_from_db()
            audit.record(
                actor=None, action="citizen.code_failed", target=pending, after={"attempts": code.attempts}
            )
        if code.attempts >= MAX_CODE_ATTEMPTS:
            raise CodeBlockedError
        raise WrongCodeError(MAX_CODE_ATTEMPTS - code.attempts)
    with transaction.atomic():
        if not OneTimeCode.objects.filter(pk=code.pk, used_at__isnull=True).update(used_at=now):
            raise RegistrationFinishedError
        if _account_holds(pending.national_id):
            raise DuplicateAccountError("national_id")
        user = User(
            username=pending.national_id,
            kind=User.Kind.CITIZEN,
            full_name=pending.full_name,
            national_id=pending.national_id,
            # An e-mail another account uses is left out: the citizen is told after the code,
            # never on the form, so the form cannot be used to find whose addresses have accounts.
            email="" if _email_taken(pending.email) else pending.email,
            phone=pending.phone,
            password=pending.password_hash,
        )
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError as error:
            raise DuplicateAccountError("national_id") from error
        # The account holds the password now; a second copy of its hash has no use.
        pending.user, pending.password_hash = user, ""
        pending.save(update_fields=["user", "password_hash"])
        audit.record(
            actor=user,
            action="citizen.registered",
            target=user,
            after={"via": "code", "verified": code.channel},
        )
    return user


@transaction.atomic
def purge_stale_registrations(*, older_than: timedelta = timedelta(days=1)) -> int:
    """Delete registrations never confirmed, with their codes; returns how many went.

    What people typed but never confirmed is personal data without a purpose any more
    (Nghị định 13/2023/NĐ-CP Điều 3: kept no longer than the purpose needs). Meant to run daily.
    """
    cutoff = timezone.now() - older_than
    stale = PendingRegistration.objects.filter(user__isnull=True, created_at__lt=cutoff)
    code_ids = list(stale.values_list("code_id", flat=True))
    count = len(code_ids)
    if count:
        stale.delete()
        OneTimeCode.objects.filter(pk__in=code_ids).delete()
        audit.record(
            actor=None,
            action="citizen.registrations_purged",
            object_type="accounts.pendingregistration",
            after={"count": count, "older_than_hours": int(older_than.total_seconds() // 3600)},
        )
    return count


# --- VNeID ----------------------------------------------------------------------------------------


def _free_username(identity: VerifiedIdentity) -> str:
    if not User.objects.filter(username=identity.national_id).exists():
        return identity.national_id
    return f"vneid-{identity.subject}"[:150]


@transaction.atomic
def log_in_with_identity(request: HttpRequest, identity: VerifiedIdentity) -> User:
    """Log in the person VNeID vouched for, linking or creating their account on first use.

    VNeID has verified the identification number against the population database (ND 69/2024
    Điều 12), so an account holding that number belongs to this person and is linked to the
    identity. Raises IdentityRefusedError. Password lockouts do not apply: VNeID proved who it is.
    """
    link = (
        CitizenIdentity.objects.select_related("user")
        .filter(issuer=identity.issuer, subject=identity.subject)
        .first()
    )
    created = False
    if link is None:
        user = User.objects.filter(national_id=identity.national_id).first()
        if user is None:
            user = User(
                username=_free_username(identity),
                kind=User.Kind.CITIZEN,
                full_name=identity.name,
                national_id=identity.national_id,
            )
            user.set_unusable_password()
            user.save()
            created = True
            audit.record(actor=user, action="citizen.registered", target=user, after={"via": "vneid"})
        link = CitizenIdentity.objects.create(
            user=user,
            issuer=identity.issuer,
            subject=identity.subject,
            national_id=identity.national_id,
            level=identity.level,
        )
        audit.record(
            actor=user,
            action="citizen.identity_linked",
            target=user,
            after={"issuer": identity.issuer, "level": identity.level},
        )
    user = link.user
    if not user.is_active:
        raise IdentityRefusedError
    CitizenIdentity.objects.filter(pk=link.pk).update(last_login_at=timezone.now(), level=identity.level)
    services.complete_login(request, user)
    audit.record(
        actor=user,
        action="citizen.login_vneid",
        target=user,
        after={"issuer": identity.issuer, "level": identity.level, "created": created},
    )
    return user


def has_vneid_identity(user: User) -> bool:
    """Whether the account's holder has proved who they are through VNeID (for 766's
    TaiKhoanDuocXacThucVoiVNeID, and for filings that need a verified identity)."""
    return CitizenIdentity.objects.filter(user=user).exists()


def record_vneid_failure(reason: str, detail: str) -> None:
    """A refused VNeID login, for whoever watches for attacks on the login."""
    audit.record(
        actor=None,
        action="citizen.login_vneid_failed",
        object_type="accounts.user",
        after={"reason": reason, "detail": detail[:200]},
    )


# --- Organisations --------------------------------------------------------------------------------

# Thông tư 105/2020/TT-BTC Điều 5: digits N1–N9 weighted, N10 the check digit; a branch adds
# "-" and three digits 001–999.
_TAX_CODE_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)
_TAX_CODE = re.compile(r"([0-9]{10})(?:-?([0-9]{3}))?")


def normalise_tax_code(value: str) -> str:
    """The tax code (mã số thuế / mã số doanh nghiệp) as NNNNNNNNNN or NNNNNNNNNN-NNN, checked."""
    compact = re.sub(r"[\s.]", "", value)
    match = _TAX_CODE.fullmatch(compact)
    if match is None:
        raise ValidationError(
            _("A tax code has 10 digits, or 13 for a branch (written 0123456789-001)."),
            code="tax_code_format",
        )
    main, branch = match.groups()
    check = 10 - sum(int(digit) * weight for digit, weight in zip(main, _TAX_CODE_WEIGHTS, strict=False)) % 11
    if check == 10 or int(main[9]) != check:
        raise ValidationError(
            _("This tax code's check digit is wrong; check the number."), code="tax_code_check"
        )
    if branch == "000":
        raise ValidationError(_("A branch number runs from 001 to 999."), code="tax_code_branch")
    return f"{main}-{branch}" if branch else main


def _valid_at(moment: datetime) -> Q:
    return Q(valid_from__lte=moment) & (Q(valid_until__isnull=True) | Q(valid_until__gt=moment))


def current_representations(user: User, *, at: datetime | None = None) -> QuerySet[Representation]:
    return Representation.objects.filter(_valid_at(at or timezone.now()), user=user, user__is_active=True)


@transaction.atomic
def register_organisation(
    user: User, *, name: str, tax_code: str, address: str, document_reference: str
) -> Organisation:
    """Record an organisation with `user` as its legal representative.

    The claim rests on the document reference (business registration certificate); checking it
    against the national business registration database is for when that system is connected.
    """
    code = normalise_tax_code(tax_code)
    if Organisation.objects.filter(tax_code=code).exists():
        raise OrganisationError(
            _("This organisation is already registered. Ask its legal representative to authorise you.")
        )
    organisation = Organisation.objects.create(name=name, tax_code=code, address=address)
    representation = Representation.objects.create(
        organisation=organisation,
        user=user,
        role=Representation.Role.LEGAL_REPRESENTATIVE,
        document_reference=document_reference,
    )
    audit.record(
        actor=user,
        action="organisation.registered",
        target=organisation,
        after={
            "tax_code": code,
            "name": name,
            "legal_representative": user.pk,
            "representation": representation.pk,
        },
    )
    return organisation


def is_legal_representative(user: User, organisation: Organisation, *, at: datetime | None = None) -> bool:
    return (
        current_representations(user, at=at)
        .filter(organisation=organisation, role=Representation.Role.LEGAL_REPRESENTATIVE)
        .exists()
    )


@transaction.atomic
def grant_authorisation(
    granted_by: User,
    organisation: Organisation,
    *,
    national_id: str,
    valid_from: datetime,
    valid_until: datetime,
    document_reference: str,
) -> Representation:
    """The legal representative authorises another citizen, found by identification number.

    Only the legal representative may authorise (an authorised person cannot pass it on), and an
    authorisation always has an end.
    """
    if not is_legal_representative(granted_by, organisation):
        raise PermissionDenied
    if valid_until <= valid_from:
        raise OrganisationError(_("The authorisation must end after it starts."))
    grantee = User.objects.filter(national_id=national_id, is_active=True).first()
    if grantee is None:
        raise OrganisationError(
            _("No account has this identification number. The person must register first.")
        )
    if grantee.pk == granted_by.pk:
        raise OrganisationError(_("You already represent this organisation."))
    representation = Representation.objects.create(
        organisation=organisation,
        user=grantee,
        role=Representation.Role.AUTHORISED_PERSON,
        authorised_by=granted_by,
        valid_from=valid_from,
        valid_until=valid_until,
        document_reference=document_reference,
    )
    audit.record(
        actor=granted_by,
        action="organisation.authorised",
        target=representation,
        after={
            "organisation": organisation.pk,
            "user": grantee.pk,
            "valid_from": valid_from,
            "valid_until": valid_until,
            "document_reference": document_reference,
        },
    )
    return representation


@transaction.atomic
def revoke_authorisation(representation: Representation, *, revoked_by: User) -> None:
    """End an authorisation now (or make a future one never start); an ended one stays as it was."""
    if representation.has_ended:
        return
    now = timezone.now()
    before = audit.snapshot(representation, ["valid_until"])
    representation.valid_until = max(now, representation.valid_from)
    representation.save(update_fields=["valid_until"])
    audit.record(
        actor=revoked_by,
        action="organisation.authorisation_revoked",
        target=representation,
        before=before,
        after=audit.snapshot(representation, ["valid_until"]),
    )


def acting_for(user: User, *, at: datetime | None = None) -> list[Organisation]:
    """The organisations `user` may act for now: as legal representative or authorised person."""
    organisations = {
        representation.organisation_id: representation.organisation
        for representation in current_representations(user, at=at).select_related("organisation")
        if principal_for(user, representation.organisation, at=at) is not None
    }
    return sorted(organisations.values(), key=lambda organisation: organisation.name)


def principal_for(filer: User, organisation: Organisation, *, at: datetime | None = None) -> User | None:
    """Whose account a filing by `filer` for `organisation` is tied to at that moment, or None.

    The legal representative files in their own name; an authorised person's filing belongs to
    the legal representative who authorised them, and only while that person still is one
    (ND 69/2024/NĐ-CP: the electronic identification account of the authorising person).
    """
    moment = at or timezone.now()
    representations = current_representations(filer, at=moment).filter(organisation=organisation)
    if representations.filter(role=Representation.Role.LEGAL_REPRESENTATIVE).exists():
        return filer
    for representation in representations.filter(role=Representation.Role.AUTHORISED_PERSON).select_related(
        "authorised_by"
    ):
        authoriser = representation.authorised_by
        if authoriser is not None and is_legal_representative(authoriser, organisation, at=moment):
            return authoriser
    return None


def authorising_person(filer: User, organisation: Organisation, *, at: datetime | None = None) -> User:
    """Like principal_for, but PermissionDenied when `filer` may not act for `organisation` then."""
    principal = principal_for(filer, organisation, at=at)
    if principal is None:
        raise PermissionDenied
    return principal


# --- Access (404 for missing and forbidden alike) -------------------------------------------------


def get_organisation_to_authorise(user: User, pk: int) -> Organisation:
    organisation = Organisation.objects.filter(pk=pk).first()
    if organisation is None or not is_legal_representative(user, organisation):
        raise Http404
    return organisation


def get_authorisation_to_revoke(user: User, pk: int) -> Representation:
    representation = (
        Representation.objects.select_related("organisation")
        .filter(pk=pk, role=Representation.Role.AUTHORISED_PERSON)
        .first()
    )
    if representation is None or not is_legal_representative(user, representation.organisation):
        raise Http404
    return representation


def representations_of(user: User) -> QuerySet[Representation]:
    """Every representation of `user`, past ones too, for their account page."""
    return Representation.objects.filter(user=user).select_related("organisation", "authorised_by")


def authorisations_in(organisations: list[Organisation]) -> QuerySet[Representation]:
    """The authorised persons of organisations the viewer represents legally."""
    return Representation.objects.filter(
        organisation__in=organisations, role=Representation.Role.AUTHORISED_PERSON
    ).select_related("organisation", "user", "authorised_by")
