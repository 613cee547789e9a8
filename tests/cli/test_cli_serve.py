"""The serve command's own checks, before any server starts."""


def test_a_bad_log_level_setting_is_one_line_naming_the_variable(run, monkeypatch):
    monkeypatch.setenv("DOCSHELF_LOG_LEVEL", "loud")
    result = run("serve")
    assert result.exit_code == 1
    assert result.output.startswith("docshelf: error: DOCSHELF_LOG_LEVEL must be one of debug")


def test_profile_and_log_level_choices_are_listed(run):
    result = run("serve", "--profile", "nope")
    assert result.exit_code == 2
    assert "'default', 'mastra'" in result.output
    help_text = run("serve", "--help").output
    assert "[debug|info|warning|error|none]" in help_text
