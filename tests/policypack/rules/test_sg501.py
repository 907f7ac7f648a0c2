"""Focused cases for SG501: what the engine and the analyzer may hand the rule besides plain ints."""

from dataclasses import replace

from analyzers.runner import lint_sources
from policypack.graph import UNKNOWN
from policypack.knowledge import tokens
from policypack.rules.sg501_lambda_function_outside_limits import RULE
from tests.support.graphs import graph, res


def function(name="fn", **props):
    return res(tokens.LAMBDA_FUNCTION, name, **props)


def flagged(*functions) -> list[str]:
    return [v.resource.name for v in RULE.run(graph(*functions))]


def test_engine_floats_are_judged_and_shown_as_written() -> None:
    # The engine sends numbers as doubles: 900 arrives as 900.0.
    assert flagged(function(timeout=900.0, memorySize=10240.0, ephemeralStorage={"size": 512.0})) == []
    [violation] = RULE.run(graph(function(timeout=901.0)))
    assert "timeout to 901 seconds" in violation.message and "901.0" not in violation.message


def test_one_finding_names_every_setting_outside_its_range() -> None:
    [violation] = RULE.run(graph(function(timeout=0, memorySize=20480, ephemeralStorage={"size": 100})))
    text = violation.message
    assert text.startswith("[SG501] Lambda function 'fn' sets timeout to 0 seconds (AWS allows 1–900 seconds), ")
    assert "memory_size to 20480 MB (AWS allows 128–10,240 MB) and ephemeral_storage.size to 100 MB" in text


def test_values_that_are_not_known_numbers_are_silent() -> None:
    assert flagged(
        function("unknown", timeout=UNKNOWN, memorySize=UNKNOWN, ephemeralStorage=UNKNOWN),
        function("unknown-size", ephemeralStorage={"size": UNKNOWN}),
        function("text", timeout="3600"),
        function("flag", timeout=True, memorySize=False),
        function("absent"),
        function("storage-list", ephemeralStorage=[{"size": 100}]),
    ) == []


def test_a_prop_the_analyzer_could_not_follow_is_silent() -> None:
    unresolved = replace(function(timeout=3600, memorySize=64), unresolved=frozenset({"timeout"}))
    [violation] = RULE.run(graph(unresolved))
    assert "memory_size to 64" in violation.message and "timeout" not in violation.message


def test_managed_instances_keep_only_the_floors_and_the_storage_range() -> None:
    on_capacity = {"lambdaManagedInstancesCapacityProviderConfig": {"capacityProviderArn": "arn:..."}}
    assert flagged(function("big", memorySize=16384, timeout=3600, capacityProviderConfig=on_capacity)) == []
    assert flagged(function("maybe", memorySize=16384, capacityProviderConfig=UNKNOWN)) == []
    # A **kwargs the analyzer could not read may hold capacity_provider_config.
    spread = replace(function("spread", memorySize=16384), unresolved=frozenset({"*"}))
    assert flagged(spread) == []
    assert flagged(function("tiny", memorySize=64, capacityProviderConfig=on_capacity),
                   function("disk", ephemeralStorage={"size": 20480}, capacityProviderConfig=UNKNOWN),
                   function("empty", memorySize=16384, capacityProviderConfig={})) == ["tiny", "disk", "empty"]


def test_a_secret_value_is_never_printed() -> None:
    secret = replace(function(memorySize=20480), secret_props=frozenset({"memorySize"}))
    [violation] = RULE.run(graph(secret))
    assert "20480" not in violation.message and "memory_size to [secret] MB" in violation.message


def test_other_types_are_not_judged() -> None:
    other = res("aws:lambda/alias:Alias", "alias", timeout=3600)
    assert RULE.run(graph(other)) == []


def test_a_limit_from_another_module_of_the_project() -> None:
    main = ("import pulumi\nimport pulumi_aws as aws\nfrom settings import TIMEOUT, MEMORY\n\n"
            'aws.lambda_.Function("export", role="arn:aws:iam::123456789012:role/r", runtime="python3.12",\n'
            '                     handler="index.handler", code=pulumi.AssetArchive({}),\n'
            "                     timeout=TIMEOUT, memory_size=MEMORY)\n")
    too_long = lint_sources({"__main__.py": main, "settings.py": "TIMEOUT = 30 * 60\nMEMORY = 2048\n"})
    assert [(f.code, f.subject) for f in too_long if f.code == RULE.code] == [("SG501", "export")]
    from_config = ("import pulumi\nTIMEOUT = pulumi.Config().require_int('timeout')\nMEMORY = 2048\n")
    assert not [f for f in lint_sources({"__main__.py": main, "settings.py": from_config}) if f.code == RULE.code]
