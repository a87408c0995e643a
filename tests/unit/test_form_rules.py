"""data/rules/forms.yml is generated; it must match its generator and cover every form in the domain."""
import yaml

from mot.tools.form_rules import FORMS, OUTPUT, render


def test_generated_rules_are_current():
    assert OUTPUT.read_text(encoding="utf-8") == render(), "run `make rules` and commit the result"


def test_every_domain_form_has_rules():
    domain = yaml.safe_load(open("domain.yml", encoding="utf-8"))
    # callback_form is started by the MOT policy, not by an intent; data/rules/mot.yml finishes it
    assert set(domain["forms"]) == set(FORMS) | {"callback_form"}
    for form, (_, answer) in FORMS.items():
        assert answer in domain["actions"]
