import config.settings


def test_production_hashes_passwords_with_argon2():
    """The test suite switches to MD5 for speed; the shipped settings must still say Argon2."""
    assert config.settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
