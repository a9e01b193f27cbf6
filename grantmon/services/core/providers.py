"""The identity providers sign-in may go through, as the [auth] section of the secrets names
them: the one set directly under [auth], and each [auth.NAME] section that is one."""

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grantmon.i18n import t

DEFAULT = "default"  # Streamlit's name for the provider set directly under [auth]
VERIFIED = "email_verified"  # the OpenID Connect claim that the address was verified


@dataclass(frozen=True)
class Provider:
    """One identity provider of the secrets: [auth] itself, or an [auth.NAME] section."""

    name: str  # DEFAULT for the provider set directly under [auth]
    label: str
    allowed_domains: tuple[str, ...]
    verified_claim: str

    @property
    def login_args(self) -> tuple[str, ...]:
        """What st.login takes to start this provider's sign-in."""
        return () if self.name == DEFAULT else (self.name,)

    @property
    def shown_name(self) -> str:
        """The provider as a person knows it: its label, else its name."""
        return self.label or self.name


def _provider(name: str, section: Mapping) -> Provider:
    domains = section.get("allowed_domains", [])
    domains = [domains] if isinstance(domains, str) else domains  # one domain written bare
    return Provider(
        name=name,
        label=str(section.get("label") or (name.capitalize() if name != DEFAULT else "")),
        allowed_domains=tuple(str(d).strip().lower().lstrip("@") for d in domains),
        verified_claim=str(section.get("verified_email_claim") or VERIFIED),
    )


def providers_in(auth: Mapping[str, Any]) -> list[Provider]:
    """The provider set directly under [auth] and every [auth.NAME] section that is one."""
    found = [_provider(DEFAULT, auth)] if "client_id" in auth else []
    # A table without a client_id (client_kwargs, for one) belongs to a provider, it is none.
    for name, value in auth.items():
        if isinstance(value, Mapping) and "client_id" in value:
            found.append(_provider(str(name), value))
    return found


def auth_in_file(path: Path) -> Mapping[str, Any]:
    """The [auth] section of a secrets file (empty when the file or the section is missing)."""
    if not path.exists():
        return {}
    auth = tomllib.loads(path.read_text(encoding="utf-8")).get("auth", {})
    return auth if isinstance(auth, Mapping) else {}


def needs_binding(found: list[Provider]) -> bool:
    """Whether a person not bound to a provider could be vouched for by more than one.

    With several providers, any of them could assert any address: a provider that names no
    allowed_domains may only sign in the people bound to it.
    """
    return len(found) > 1 and any(not p.allowed_domains for p in found)


def provider_refusal(
    email: str, used: Provider, bound: str | None, configured: list[Provider]
) -> str | None:
    """Why this provider may not sign this person in, in their words; None when it may.

    A person bound to a provider signs in through it alone. A person bound to none signs in
    through the only provider, or, when there are several, through one that names the
    domains it vouches for (the domain itself is checked with the other identity checks).
    """
    if bound is not None and bound != used.name:
        chosen = next((p for p in configured if p.name == bound), None)
        return t(
            "{email} signs in through {provider} only, not through {used}. Sign out, then "
            "choose {provider}.",
            email=email,
            provider=chosen.shown_name if chosen else bound,
            used=used.shown_name or t("this provider"),
        )
    if bound is None and len(configured) > 1 and not used.allowed_domains:
        return t(
            "{email} is not bound to an identity provider, and {used} may sign in only the "
            "people bound to it. Ask an administrator to bind your address to your "
            "organisation's provider.",
            email=email,
            used=used.shown_name,
        )
    return None
