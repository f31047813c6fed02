// The public face of events-in for other capabilities: the Standard Webhooks signer, which
// webhooks-out signs its deliveries with.
export { newSecret, sign } from './signature';
