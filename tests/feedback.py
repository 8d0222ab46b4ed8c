"""What an exercise's check prints back, for the tests of its feedback to wrong answers."""


def told(check, answer, capsys) -> str:
    """What ``check`` prints when it refuses the wrong ``answer`` (it must refuse it)."""
    assert check(answer) is False
    return capsys.readouterr().out
