/**
 * Two user contracts, shared by the test's control plane and its worker
 * process (zod and nyx's worker-safe entry only): an invoice reminder and an
 * order report. The reminder is at version 2; v1 lacked `currency`.
 */
import { z } from 'zod';
import { defineContract, IsoDate } from '../../../src/workflow.js';

export const InvoiceReminderV1 = z.strictObject({
  invoiceId: z.string(),
  amountCents: z.number().int(),
  customerName: z.string(),
  customerEmail: z.string(),
  dueAt: IsoDate,
  tone: z.enum(['gentle', 'firm']),
});

export const InvoiceReminder = InvoiceReminderV1.extend({ currency: z.string().length(3) });

export const invoiceReminderContract = defineContract({
  name: 'InvoiceReminder',
  version: 2,
  schema: InvoiceReminder,
  upcasters: { 1: (old) => ({ ...(old as object), currency: 'EUR' }) },
  route: (data) => data.tone,
  subjectOf: (data) => data.invoiceId,
  routeNamespace: 'invoice',
});

export const OrderReport = z.strictObject({
  orderId: z.string(),
  lines: z.array(z.strictObject({ sku: z.string(), quantity: z.number().int().positive() })),
});

export const orderReportContract = defineContract({
  name: 'OrderReport',
  version: 1,
  schema: OrderReport,
  route: () => 'report',
  priority: (data) => data.lines.length,
  subjectOf: (data) => data.orderId,
});
