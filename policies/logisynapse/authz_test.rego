# Unit tests of the policy: opa test policies/
package logisynapse.authz_test

import data.logisynapse.authz

tenant_a := "11111111-1111-4111-8111-111111111111"

tenant_b := "22222222-2222-4222-8222-222222222222"

reader := {"clientId": "reader", "tenantId": tenant_a, "scopes": ["shipments:read"]}

writer := {"clientId": "writer", "tenantId": tenant_a, "scopes": ["shipments:write"]}

tenant_admin := {"clientId": "tadmin", "tenantId": tenant_a, "scopes": ["tenants:admin"]}

platform_admin := {"clientId": "padmin", "tenantId": null, "scopes": ["platform:admin"]}

shipment_of(tenant) := {"type": "Shipment", "tenantId": tenant}

decide(subject, action, object) := d if {
	d := authz.decision with input as {"subject": subject, "action": action, "object": object}
}

allowed := {"allowed": true, "reason": "allowed"}

denied(reason) := {"allowed": false, "reason": reason}

test_reader_reads_and_lists_in_own_tenant if {
	decide(reader, "shipment:read", shipment_of(tenant_a)) == allowed
	decide(reader, "shipment:list", shipment_of(tenant_a)) == allowed
}

test_reader_cannot_write if {
	decide(reader, "shipment:create", shipment_of(tenant_a)) == denied("missing-scope")
	decide(reader, "shipment:cancel", shipment_of(tenant_a)) == denied("missing-scope")
	decide(reader, "shipment:update-status", shipment_of(tenant_a)) == denied("missing-scope")
}

test_writer_creates_and_updates_but_does_not_read if {
	decide(writer, "shipment:create", shipment_of(tenant_a)) == allowed
	decide(writer, "shipment:update-status", shipment_of(tenant_a)) == allowed
	decide(writer, "shipment:cancel", shipment_of(tenant_a)) == allowed
	decide(writer, "shipment:read", shipment_of(tenant_a)) == denied("missing-scope")
}

test_tenant_admin_implies_read_and_write_in_own_tenant_only if {
	decide(tenant_admin, "shipment:read", shipment_of(tenant_a)) == allowed
	decide(tenant_admin, "shipment:create", shipment_of(tenant_a)) == allowed
	decide(tenant_admin, "shipment:read", shipment_of(tenant_b)) == denied("tenant-mismatch")
	decide(tenant_admin, "shipment:cancel", shipment_of(tenant_a)) == allowed
	decide(tenant_admin, "shipment:cancel", shipment_of(tenant_b)) == denied("tenant-mismatch")
	decide(tenant_admin, "tenant:create", {"type": "Tenant", "tenantId": null}) == denied("missing-scope")
}

test_other_tenant_and_null_tenant_objects_are_denied if {
	decide(reader, "shipment:read", shipment_of(tenant_b)) == denied("tenant-mismatch")
	decide(reader, "shipment:read", shipment_of(null)) == denied("tenant-mismatch")
	decide(reader, "shipment:read", {"type": "Shipment"}) == denied("tenant-mismatch")
}

test_subject_without_tenant if {
	no_tenant_reader := object.union(reader, {"tenantId": null})
	decide(no_tenant_reader, "shipment:read", shipment_of(tenant_a)) == denied("no-tenant")
	decide(no_tenant_reader, "shipment:read", shipment_of(null)) == denied("no-tenant")
}

test_platform_admin if {
	decide(platform_admin, "tenant:create", {"type": "Tenant", "tenantId": null}) == allowed
	decide(platform_admin, "signing-key:rotate", {"type": "SigningKey", "tenantId": null}) == allowed
	decide(platform_admin, "signing-key:retire", {"type": "SigningKey", "tenantId": null}) == allowed
	decide(platform_admin, "shipment:read", shipment_of(tenant_a)) == denied("missing-scope")
	decide(platform_admin, "shipment:cancel", shipment_of(tenant_a)) == denied("missing-scope")
}

test_unknown_action_and_type_mismatch if {
	decide(platform_admin, "tenant:delete", {"type": "Tenant", "tenantId": null}) == denied("unknown-action")
	decide(platform_admin, "constructor", {"type": "Tenant", "tenantId": null}) == denied("unknown-action")
	decide(platform_admin, "tenant:create", {"type": "SigningKey", "tenantId": null}) == denied("object-type-mismatch")
	decide(reader, "shipment:read", {"type": "Tenant", "tenantId": tenant_a}) == denied("object-type-mismatch")
}

test_ill_formed_input_denies if {
	decide(reader, 42, shipment_of(tenant_a)) == denied("unknown-action")
	decide({"clientId": "x", "tenantId": tenant_a, "scopes": "shipments:read"}, "shipment:read", shipment_of(tenant_a)) == denied("missing-scope")
	decide({"clientId": "x", "tenantId": tenant_a}, "shipment:read", shipment_of(tenant_a)) == denied("missing-scope")
	authz.decision == denied("unknown-action") with input as {}
}
