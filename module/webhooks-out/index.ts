export { WebhookOutbox } from './webhook-outbox';
export { WebhookEndpointService, isWebUrl, type WebhookEndpoint } from './endpoint-service';
export { WebhookDeliveryLog, type DeliveryView } from './delivery-log';
export { WebhookDispatcher, type DispatcherOptions, type DispatchTally } from './dispatcher';
export { webhookAdminActions } from './webhook-admin-controller';
export { thenDispatchWebhooks } from './daily-dispatch';
