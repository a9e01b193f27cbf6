"""The French catalogue covers every message of the code, and every install serves it."""

import shutil
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import pytest

from grantmon.catalogue import problems
from grantmon.i18n import browser_language, catalogue_path, current_language, t, use_language
from grantmon.settings import PROJECT_ROOT


def test_every_message_of_the_code_has_a_finished_french_translation():
    found = problems("fr")
    print(f"fr: {found.total} messages, {found.translated_share:.1%} translated")
    assert found.total > 700  # the whole interface was found, not an empty extraction
    assert not found.missing, f"no French yet (run `python -m grantmon.catalogue`): {found.missing}"
    assert not found.fuzzy, f"fuzzy French translations: {found.fuzzy}"
    assert not found.mismatched, f"French placeholders differ from the English: {found.mismatched}"
    assert found.translated_share == 1.0


def test_french_speaks_the_words_of_the_field():
    with use_language("fr"):
        assert t("Overview") == "Vue d'ensemble"
        assert t("Results framework") == "Cadre de résultats"
        assert t("Late milestones") == "Jalons en retard"
        assert t("Budget burn beside results").startswith("Taux d'exécution budgétaire")
        assert "plan de réintégration" in t(
            "How many victims move from identification to a completed reintegration plan, and "
            "how sustainable their reintegration is."
        )
        assert "victimes de la traite" in t(
            "How many victims move from identification to a completed reintegration plan, and "
            "how sustainable their reintegration is."
        )
        assert t("Sign in with {provider}", provider="Microsoft") == "Se connecter avec Microsoft"


def test_each_thread_speaks_its_own_language():
    # Two people served at once by two script threads never see each other's language.
    seen: dict[str, str] = {}

    def serve(language: str) -> None:
        with use_language(language):
            barrier.wait()
            seen[language] = t("Alerts")

    barrier = threading.Barrier(2)
    threads = [threading.Thread(target=serve, args=(lang,)) for lang in ("fr", "en")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == {"fr": "Alertes", "en": "Alerts"}
    assert current_language() == "en"  # nothing leaked into this thread


def test_the_installation_language_is_the_default(monkeypatch):
    from grantmon.settings import get_settings

    monkeypatch.setenv("GRANTMON_LOCALE", "fr_FR")
    get_settings.cache_clear()
    try:
        assert current_language() == "fr"
        monkeypatch.setenv("GRANTMON_LOCALE", "de")  # not one we speak: English
        get_settings.cache_clear()
        assert current_language() == "en"
    finally:
        get_settings.cache_clear()


@pytest.mark.parametrize(
    "header, language",
    [
        ("fr-FR,fr;q=0.9,en-US;q=0.8,en;q=0.7", "fr"),
        ("ar-MA,ar;q=0.9,fr;q=0.8,en;q=0.5", "fr"),  # Arabic first: French is the next we speak
        ("en-GB,en;q=0.9", "en"),
        ("de-DE,fr;q=0", "none"),  # q=0 means "not French"
        ("es,it", "none"),
        ("", "none"),
        ("fr;q=abc, en;q=0.3", "en"),
    ],
)
def test_the_browser_language_decides_when_we_speak_it(header, language):
    assert (browser_language(header) or "none") == language


def _fresh_checkout(folder: Path) -> Path:
    """The files git tracks, copied alone: what a fresh clone holds."""
    if not (PROJECT_ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=PROJECT_ROOT, capture_output=True, check=True
    )
    for name in filter(None, listed.stdout.decode().split("\0")):
        if (PROJECT_ROOT / name).is_file():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(PROJECT_ROOT / name, folder / name)
    return folder


def test_a_fresh_checkout_installs_and_serves_french(tmp_path):
    # What `pip install .` makes of a fresh clone: its wheel, imported from outside the tree.
    checkout = _fresh_checkout(tmp_path / "checkout")
    wheel = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path)]
    build = subprocess.run([*wheel, str(checkout)], capture_output=True, text=True, timeout=600)
    assert build.returncode == 0, build.stderr
    unpacked = tmp_path / "installed"
    zipfile.ZipFile(next(tmp_path.glob("grantmon-*.whl"))).extractall(unpacked)
    probe = (
        "import grantmon.i18n as i; "
        f"assert i.__file__.startswith({str(unpacked)!r}), i.__file__; "
        "i.set_language('fr'); print(i.t('Overview'))"
    )
    served = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=tmp_path,
        env={"PYTHONPATH": str(unpacked), "PATH": ""},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert served.returncode == 0, served.stderr
    assert served.stdout.strip() == "Vue d'ensemble"


def test_the_catalogue_is_read_from_the_package_not_the_working_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a server started from anywhere finds its translations
    with use_language("fr"):
        assert t("Download") == "Télécharger"
    assert Path(catalogue_path("fr")).is_absolute()
