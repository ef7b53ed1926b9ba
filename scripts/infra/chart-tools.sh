# shellcheck shell=bash
# Tools that check the Helm chart offline (issue 15): sourced by lib.sh, run by `npm run infra:up`.
# Each installs into $CACHE_DIR, cached by version, and chart_tools_env prints its .env.infra lines.
#
# helm and kubeconform build from the Go module proxy (no registry reached here carries them
# prebuilt). The JSON schemas kubeconform validates against are made here, offline afterwards:
# Kubernetes' from the PyPI wheel kubernetes-validate (pinned by sha256), Istio's from the CRDs
# of the Go module istio.io/api (the same file Istio's charts ship as crd-all.gen.yaml).

HELM_VERSION="${LOGISYNAPSE_HELM_VERSION:-v3.22.0}"
KUBECONFORM_VERSION="${LOGISYNAPSE_KUBECONFORM_VERSION:-v0.8.0}"
HELM_BIN="$CACHE_DIR/bin/helm"
KUBECONFORM_BIN="$CACHE_DIR/bin/kubeconform"
KUBE_SCHEMA_K8S_VERSION="${LOGISYNAPSE_KUBE_SCHEMA_K8S_VERSION:-1.37.0}"
KUBE_SCHEMA_WHEEL_SHA256="${LOGISYNAPSE_KUBE_SCHEMA_WHEEL_SHA256:-85136d018a27b50ec7fc049d902bfa5193f5976807e6c0f408e3ab6fe078cad9}"
ISTIO_API_VERSION="${LOGISYNAPSE_ISTIO_API_VERSION:-v1.32.0}"
# The kinds the chart renders (apiVersion/kind); a kind not listed has no schema, and kubeconform
# then fails the chart's test instead of skipping the object.
KUBE_SCHEMA_KINDS="apps/v1/Deployment v1/Service v1/ServiceAccount batch/v1/Job
autoscaling/v2/HorizontalPodAutoscaler policy/v1/PodDisruptionBudget networking.k8s.io/v1/NetworkPolicy
networking.k8s.io/v1/Ingress"
ISTIO_SCHEMA_KINDS="PeerAuthentication AuthorizationPolicy DestinationRule VirtualService Gateway"
KUBE_SCHEMAS_DIR="$CACHE_DIR/kube-schemas/k8s-$KUBE_SCHEMA_K8S_VERSION-istio-$ISTIO_API_VERSION"

# What each install did ("helm v3.22.0 cached", ...), for the step's note. Not returned through
# $(...): a command substitution would not stop at a failing command under set -e.
CHART_TOOLS_DONE=()

# go_tool_install NAME VERSION PACKAGE: `go install` into $CACHE_DIR/bin unless that version is there.
go_tool_install() {
  local name=$1 version=$2 package=$3 bin="$CACHE_DIR/bin/$1"
  if [ -x "$bin" ] && [ "$(cat "$bin.version" 2>/dev/null)" = "$version" ]; then CHART_TOOLS_DONE+=("$name $version cached"); return 0; fi
  local go; go="$(go_cmd)" || { apt_install golang-go; go="$(go_cmd)"; }
  mkdir -p "$CACHE_DIR/bin"
  GOBIN="$CACHE_DIR/bin" GOFLAGS=-buildvcs=false CGO_ENABLED=0 "$go" install "$package@$version"
  echo "$version" >"$bin.version"
  CHART_TOOLS_DONE+=("$name $version built")
}

# The schemas' cache key: the versions and the kinds, so adding a kind regenerates them.
kube_schemas_key() { printf '%s %s %s %s\n' "$KUBE_SCHEMA_K8S_VERSION" "$ISTIO_API_VERSION" "$KUBE_SCHEMA_KINDS" "$ISTIO_SCHEMA_KINDS" | sha256sum | cut -c1-16; }

kube_schemas_ensure() {
  local schemas="schemas k8s $KUBE_SCHEMA_K8S_VERSION + istio $ISTIO_API_VERSION"
  if [ "$(cat "$KUBE_SCHEMAS_DIR/.version" 2>/dev/null)" = "$(kube_schemas_key)" ]; then CHART_TOOLS_DONE+=("$schemas cached"); return 0; fi
  need_cmd pip3 || apt_install python3-pip
  python3 -c 'import yaml' 2>/dev/null || apt_install python3-yaml
  local work; work="$(mktemp -d)"
  printf 'kubernetes-validate==%s --hash=sha256:%s\n' "$KUBE_SCHEMA_K8S_VERSION" "$KUBE_SCHEMA_WHEEL_SHA256" >"$work/req.txt"
  pip3 download --quiet --no-deps --only-binary=:all: --require-hashes -r "$work/req.txt" -d "$work"
  local go istio_dir; go="$(go_cmd)" || { apt_install golang-go; go="$(go_cmd)"; }
  # The module cache verifies the download against the checksum database (go.sum's sumdb).
  istio_dir="$("$go" mod download -json "istio.io/api@$ISTIO_API_VERSION" | python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')"
  rm -rf "$KUBE_SCHEMAS_DIR.tmp" && mkdir -p "$KUBE_SCHEMAS_DIR.tmp/kubernetes" "$KUBE_SCHEMAS_DIR.tmp/istio"
  # Kubernetes: the wheel's strict schemas (no unknown field anywhere) refer to one shared
  # _definitions.json; kubeconform wants each kind's file standalone, so each gets a copy of
  # the definitions it reaches, descriptions dropped.
  python3 - "$(ls "$work"/kubernetes_validate-*.whl)" "v$KUBE_SCHEMA_K8S_VERSION" "$KUBE_SCHEMAS_DIR.tmp/kubernetes" "$KUBE_SCHEMA_KINDS" <<'PY'
import json, sys, zipfile
wheel, version, out, kinds = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4].split()
base = f"kubernetes_validate/kubernetes-json-schema/{version}-local-strict/"
prefix = "/api/_definitions.json#/$defs/"
with zipfile.ZipFile(wheel) as z:
    defs = json.loads(z.read(base + "_definitions.json"))["$defs"]
    for spec in kinds:
        *group_version, kind = spec.split("/")
        group = group_version[0].split(".")[0] if len(group_version) == 2 else ""
        name = f"{kind.lower()}{'-' + group if group else ''}-{group_version[-1]}.json"
        schema, used = json.loads(z.read(base + name)), {}
        def walk(node):
            if isinstance(node, dict):
                node.pop("description", None)
                ref = node.get("$ref")
                # "/api/_definitions.json#/$defs/X" in a kind's file, "#/$defs/X" inside the definitions
                if isinstance(ref, str) and (ref.startswith(prefix) or ref.startswith("#/$defs/")):
                    key = ref.split("#/$defs/", 1)[1]
                    node["$ref"] = "#/$defs/" + key
                    if key not in used:
                        used[key] = json.loads(json.dumps(defs[key]))
                        walk(used[key])
                for value in list(node.values()):
                    walk(value)
            elif isinstance(node, list):
                for value in node:
                    walk(value)
        schema.pop("$id", None)
        walk(schema)
        schema["$defs"] = used
        with open(f"{out}/{name}", "w") as f:
            json.dump(schema, f, separators=(",", ":"))
PY
  # Istio: each CRD version's openAPIV3Schema as a JSON schema, strict as Kubernetes' (an
  # object with properties accepts no other key), plus the apiVersion, kind and metadata the
  # CRD leaves to the API server. Layout: <group>/<kind>_<version>.json.
  python3 - "$istio_dir/kubernetes/customresourcedefinitions.gen.yaml" "$KUBE_SCHEMAS_DIR.tmp/istio" "$ISTIO_SCHEMA_KINDS" <<'PY'
import json, os, sys, yaml
source, out, kinds = sys.argv[1], sys.argv[2], set(sys.argv[3].split())
def strict(node):
    if isinstance(node, dict):
        node.pop("description", None)
        if node.pop("x-kubernetes-int-or-string", False):
            node.pop("type", None)
            node["anyOf"] = node.get("anyOf", []) + [{"type": "integer"}, {"type": "string"}]
        if node.pop("nullable", False) and isinstance(node.get("type"), str):
            node["type"] = [node["type"], "null"]
        preserve = node.pop("x-kubernetes-preserve-unknown-fields", False)
        if "properties" in node and "additionalProperties" not in node and not preserve:
            node["additionalProperties"] = False
        for key in [k for k in node if k.startswith("x-kubernetes-")]:
            del node[key]
        for value in node.values():
            strict(value)
    elif isinstance(node, list):
        for value in node:
            strict(value)
found = set()
for crd in yaml.safe_load_all(open(source)):
    if not crd or crd.get("kind") != "CustomResourceDefinition" or crd["spec"]["names"]["kind"] not in kinds:
        continue
    group, kind = crd["spec"]["group"], crd["spec"]["names"]["kind"]
    found.add(kind)
    os.makedirs(f"{out}/{group}", exist_ok=True)
    for version in crd["spec"]["versions"]:
        schema = version["schema"]["openAPIV3Schema"]
        strict(schema)
        schema.setdefault("properties", {}).update({
            "apiVersion": {"type": "string", "enum": [f"{group}/{version['name']}"]},
            "kind": {"type": "string", "enum": [kind]},
            "metadata": {"type": "object"},
        })
        schema["additionalProperties"] = False
        schema["$schema"] = "http://json-schema.org/draft-07/schema#"
        with open(f"{out}/{group}/{kind.lower()}_{version['name']}.json", "w") as f:
            json.dump(schema, f, separators=(",", ":"))
missing = kinds - found
if missing:
    sys.exit(f"no CRD for {sorted(missing)} in {source}")
PY
  kube_schemas_key >"$KUBE_SCHEMAS_DIR.tmp/.version"
  rm -rf "$KUBE_SCHEMAS_DIR" "$work" && mv "$KUBE_SCHEMAS_DIR.tmp" "$KUBE_SCHEMAS_DIR"
  CHART_TOOLS_DONE+=("$schemas made")
}

chart_tools_ensure_installed() {
  CHART_TOOLS_DONE=()
  go_tool_install helm "$HELM_VERSION" helm.sh/helm/v3/cmd/helm
  go_tool_install kubeconform "$KUBECONFORM_VERSION" github.com/yannh/kubeconform/cmd/kubeconform
  kube_schemas_ensure
  local summary; summary="$(printf '%s, ' "${CHART_TOOLS_DONE[@]}")"
  note "${summary%, } (in $CACHE_DIR)"
}

chart_tools_env() {
  echo "HELM_BIN=$HELM_BIN"
  echo "KUBECONFORM_BIN=$KUBECONFORM_BIN"
  # kubeconform's -schema-location templates: $KUBE_SCHEMAS_DIR/kubernetes/{{ .ResourceKind }}{{ .KindSuffix }}.json
  # and $KUBE_SCHEMAS_DIR/istio/{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json
  echo "KUBE_SCHEMAS_DIR=$KUBE_SCHEMAS_DIR"
}
