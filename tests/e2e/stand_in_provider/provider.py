"""Stand-in ``pulumi-resource-aws`` resource provider -- FOR TESTS ONLY.

It exists only so that the real Pulumi engine (``pulumi preview``, with or
without ``--policy-pack``) can run offline in stackguard's end-to-end tests:
the real AWS provider binary cannot be installed on the test machines. It
never talks to AWS and must never be used for a real deployment.

What it does (plugin protocol over gRPC, using the protos generated into the
``pulumi`` Python SDK):

* listens on 127.0.0.1 with an OS-chosen port and prints the port as the
  first line on stdout;
* GetPluginInfo reports the installed ``pulumi_aws`` package version;
* Configure: accepts secrets and resources, and says
  ``supportsPreview=False`` so the engine uses the checked inputs as the
  planned outputs during a preview (Handshake is deliberately left
  UNIMPLEMENTED: an engine that handshakes assumes preview support);
* CheckConfig echoes the provider config, DiffConfig and Diff report no
  changes;
* Check echoes the inputs and fills the auto-name property the way the real
  provider does: the engine's proposed name when the engine sends autonaming
  options, else the name the mock harness gives it (``<logical name>-<7 hex
  chars>``, from the one table in ``policypack/harness/fake_names.py``, so a
  program gets the same names under ``stackguard policy`` and here);
* Invoke answers a few ambient-data functions (region, caller identity,
  partition) with fixed fake values;
* Create echoes the inputs for a preview only; Read/Update/Delete and the
  rest are UNIMPLEMENTED: a preview never calls them.
"""

from __future__ import annotations

import importlib.metadata
import signal
import sys
import threading
from concurrent import futures
from pathlib import Path

import grpc
from google.protobuf import empty_pb2, json_format, struct_pb2
from pulumi.runtime.proto import plugin_pb2, provider_pb2, provider_pb2_grpc

# The one table of fake names, shared with the mock harness (stackguard's own
# source: the engine starts this plugin with whatever sys.path it inherits).
sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
from policypack.harness.fake_names import ACCOUNT_ID, autoname, autoname_property, caller_identity

_AUTONAME_MODE = provider_pb2.CheckRequest.AutonamingOptions.Mode


def _plugin_version() -> str:
    try:
        return importlib.metadata.version("pulumi_aws")
    except importlib.metadata.PackageNotFoundError:
        return "7.0.0"


def _logical_name(request: provider_pb2.CheckRequest) -> str:
    if request.name:
        return request.name
    # URN: urn:pulumi:<stack>::<project>::<qualified type>::<name>
    return request.urn.split("::")[-1]


def _type_token(request: provider_pb2.CheckRequest) -> str:
    if request.type:
        return request.type
    qualified = request.urn.split("::")[-2] if request.urn.count("::") >= 3 else ""
    return qualified.split("$")[-1]


class StandInAwsProvider(provider_pb2_grpc.ResourceProviderServicer):
    def __init__(self) -> None:
        self.region = "us-east-1"

    # -- plugin lifecycle -------------------------------------------------
    def GetPluginInfo(self, request, context):
        return plugin_pb2.PluginInfo(version=_plugin_version())

    # No Handshake: an engine that gets a Handshake answer assumes the provider
    # supports previews and ignores Configure's supportsPreview=False. Left
    # UNIMPLEMENTED, the engine falls back to Configure's protocol flags.

    def Attach(self, request, context):
        return empty_pb2.Empty()

    def Cancel(self, request, context):
        return empty_pb2.Empty()

    # -- provider configuration -------------------------------------------
    def CheckConfig(self, request, context):
        return provider_pb2.CheckResponse(inputs=request.news)

    def DiffConfig(self, request, context):
        return provider_pb2.DiffResponse(changes=provider_pb2.DiffResponse.DIFF_NONE)

    def Configure(self, request, context):
        region = request.variables.get("aws:config:region") or (
            request.args.fields["region"].string_value if "region" in request.args.fields else ""
        )
        if region:
            self.region = region
        return provider_pb2.ConfigureResponse(
            acceptSecrets=True,
            supportsPreview=False,
            acceptResources=True,
            acceptOutputs=False,
            supports_autonaming_configuration=True,
        )

    # -- resources ------------------------------------------------------
    def Check(self, request, context):
        inputs = struct_pb2.Struct()
        inputs.CopyFrom(request.news)
        type_token = _type_token(request)
        prop = autoname_property(type_token)
        if prop and prop not in inputs.fields:
            name = self._auto_name(request, type_token, prop)
            if name is not None:
                inputs.fields[prop].string_value = name
        return provider_pb2.CheckResponse(inputs=inputs)

    def _auto_name(self, request, type_token: str, prop: str) -> str | None:
        if request.HasField("autonaming"):
            mode = request.autonaming.mode
            if mode == _AUTONAME_MODE.DISABLE:
                return None
            if request.autonaming.proposed_name:
                return request.autonaming.proposed_name
        return autoname(type_token, _logical_name(request), json_format.MessageToDict(request.news), prop)

    def Diff(self, request, context):
        return provider_pb2.DiffResponse(changes=provider_pb2.DiffResponse.DIFF_NONE)

    def Create(self, request, context):
        # Not reached with supportsPreview=False (the engine plans outputs =
        # inputs itself); kept so a preview works whichever path the engine
        # takes. Real creation is never supported.
        if request.preview:
            return provider_pb2.CreateResponse(id="", properties=request.properties)
        context.abort(grpc.StatusCode.UNIMPLEMENTED, "the stand-in aws provider cannot create resources")

    # -- functions --------------------------------------------------------
    def Invoke(self, request, context):
        result = struct_pb2.Struct()
        tok = request.tok
        if tok == "aws:index/getRegion:getRegion":
            result.update(
                {
                    "id": self.region,
                    "name": self.region,
                    "region": self.region,
                    "endpoint": f"ec2.{self.region}.amazonaws.com",
                    "description": self.region,
                }
            )
        elif tok == "aws:index/getCallerIdentity:getCallerIdentity":
            result.update(caller_identity(ACCOUNT_ID, "aws"))
        elif tok == "aws:index/getPartition:getPartition":
            result.update(
                {
                    "id": "aws",
                    "partition": "aws",
                    "dnsSuffix": "amazonaws.com",
                    "reverseDnsPrefix": "com.amazonaws",
                }
            )
        else:
            context.abort(grpc.StatusCode.UNIMPLEMENTED, f"stand-in aws provider does not implement invoke {tok}")
        return provider_pb2.InvokeResponse(**{"return": result})


def main() -> int:
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=8),
        options=[("grpc.max_receive_message_length", 256 * 1024 * 1024)],
    )
    provider_pb2_grpc.add_ResourceProviderServicer_to_server(StandInAwsProvider(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    # Plugin protocol: the first line on stdout is the port.
    sys.stdout.write(f"{port}\n")
    sys.stdout.flush()

    done = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: done.set())
    # The engine kills the plugin when it is done with it.
    done.wait()
    server.stop(grace=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
