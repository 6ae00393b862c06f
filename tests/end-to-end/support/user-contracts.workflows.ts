/** The workflows of the two user contracts: one worker process serves both (NYX_WORKFLOW_MODULES). */
import { defineWorkflow } from '../../../src/workflow.js';
import { InvoiceReminder, invoiceReminderContract, OrderReport, orderReportContract } from './user-contracts.js';

export const gentleReminderWorkflow = defineWorkflow({
  name: 'invoice-gentle',
  contract: invoiceReminderContract,
  routes: ['gentle'],
  input: InvoiceReminder.pick({ invoiceId: true, customerName: true, amountCents: true, currency: true, dueAt: true }),
  run: (input) => ({ to: input.customerName, text: `${input.amountCents} ${input.currency} due ${input.dueAt.toISOString().slice(0, 10)}` }),
});

export const firmReminderWorkflow = defineWorkflow({
  name: 'invoice-firm',
  contract: invoiceReminderContract,
  routes: ['firm'],
  input: InvoiceReminder.pick({ customerEmail: true, amountCents: true, currency: true }),
  run: (input) => ({ to: input.customerEmail, text: `PAY ${input.amountCents} ${input.currency}` }),
});

export const orderReportWorkflow = defineWorkflow({
  name: 'order-report',
  contract: orderReportContract,
  routes: ['report'],
  input: OrderReport,
  run: (input) => ({ orderId: input.orderId, units: input.lines.reduce((sum, line) => sum + line.quantity, 0), skus: input.lines.map((l) => l.sku) }),
});
