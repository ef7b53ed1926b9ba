export { encodeCursor as encodeShipmentCursor } from '../../shipments';
