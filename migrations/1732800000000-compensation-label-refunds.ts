import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The refund of a shipment's voided label: after a cancellation (CANCELLED), or after a workflow
 * step failed for good once the label was bought (FAILED, the workflow's compensation). The
 * voided label is the row's `carrier_transaction_id`. Both columns are null while nothing was voided.
 */
export class CompensationLabelRefunds1732800000000 implements MigrationInterface {
  name = 'CompensationLabelRefunds1732800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE shipments ADD COLUMN label_refund_id text, ADD COLUMN label_refund_status text`);
    await q.query(`ALTER TABLE shipments ADD CONSTRAINT shipments_label_refund_status_check
      CHECK ((label_refund_id IS NULL) = (label_refund_status IS NULL) AND (label_refund_status IS NULL OR label_refund_status IN ('QUEUED', 'PENDING', 'SUCCESS')))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE shipments DROP CONSTRAINT shipments_label_refund_status_check, DROP COLUMN label_refund_status, DROP COLUMN label_refund_id`);
  }
}
