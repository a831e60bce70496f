"""Configuration from the environment: the README's "any setting as MEETMATCH_<NAME>" holds
for the well-known names too."""

from __future__ import annotations

from meetmatch.config import from_environment


def test_well_known_names_and_their_meetmatch_prefixed_forms_mean_the_same():
    plain = from_environment({"DATABASE_URL": "postgresql://db/one", "REDIS_URL": "redis://127.0.0.1:6379"})
    prefixed = from_environment({"MEETMATCH_DATABASE_URL": "postgresql://db/one",
                                 "MEETMATCH_REDIS_URL": "redis://127.0.0.1:6379"})
    assert plain == prefixed == {"SQLALCHEMY_DATABASE_URI": "postgresql://db/one",
                                 "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379"}
    # other settings keep their own name, coerced to their type
    assert from_environment({"MEETMATCH_MAIL_FROM": "events@example.org"}) == {"MAIL_FROM": "events@example.org"}
