# Logisynapse authorization policy for OPA (the same policy as the CASL engine's table in
# src/modules/authorization/domain/policy.ts; test/contracts/authorization.contract.ts proves
# both engines give the same decisions).
#
# Input:  {"subject": {"clientId", "tenantId" (string or null), "scopes": [...]},
#          "action": "shipment:read", "object": {"type": "Shipment", "tenantId": ...}}
# Output: data.logisynapse.authz.decision = {"allowed": bool, "reason": "..."}
#
# The checks run in a fixed order; the first that applies wins: unknown-action,
# object-type-mismatch, missing-scope, no-tenant, tenant-mismatch, else allowed. Every check is
# written so that a missing or ill-typed input field denies (fail closed).
package logisynapse.authz

# For each action: the object type, the scopes any one of which grants it, and whether subject
# and object must share a tenant. tenants:admin is a tenant's administrator.
policy := {
	"shipment:create": {"object_type": "Shipment", "scopes": {"shipments:write", "tenants:admin"}, "tenant_scoped": true},
	"shipment:read": {"object_type": "Shipment", "scopes": {"shipments:read", "tenants:admin"}, "tenant_scoped": true},
	"shipment:list": {"object_type": "Shipment", "scopes": {"shipments:read", "tenants:admin"}, "tenant_scoped": true},
	"shipment:update-status": {"object_type": "Shipment", "scopes": {"shipments:write", "tenants:admin"}, "tenant_scoped": true},
	"shipment:cancel": {"object_type": "Shipment", "scopes": {"shipments:write", "tenants:admin"}, "tenant_scoped": true},
	"tenant:create": {"object_type": "Tenant", "scopes": {"platform:admin"}, "tenant_scoped": false},
	"signing-key:rotate": {"object_type": "SigningKey", "scopes": {"platform:admin"}, "tenant_scoped": false},
	"signing-key:retire": {"object_type": "SigningKey", "scopes": {"platform:admin"}, "tenant_scoped": false},
}

rule := policy[input.action] if is_string(input.action)

known_action if rule

type_matches if rule.object_type == input.object.type

has_scope if {
	is_array(input.subject.scopes)
	some scope in input.subject.scopes
	scope in rule.scopes
}

subject_has_tenant if is_string(input.subject.tenantId)

same_tenant if {
	is_string(input.object.tenantId)
	input.object.tenantId == input.subject.tenantId
}

tenant_ok if not rule.tenant_scoped

tenant_ok if same_tenant

deny(reason) := {"allowed": false, "reason": reason}

decision := deny("unknown-action") if {
	not known_action
} else := deny("object-type-mismatch") if {
	not type_matches
} else := deny("missing-scope") if {
	not has_scope
} else := deny("no-tenant") if {
	rule.tenant_scoped
	not subject_has_tenant
} else := deny("tenant-mismatch") if {
	not tenant_ok
} else := {"allowed": true, "reason": "allowed"}
