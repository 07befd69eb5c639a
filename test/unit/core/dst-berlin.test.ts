process.env.TZ = 'Europe/Berlin';

import { registerZoneTests } from './dst-cases';

registerZoneTests({
  zone: 'Europe/Berlin',
  julyOffsetMinutes: -120,
  shortDay: '2026-03-29',
  longDay: '2026-10-25',
  localDayOfInstant: '2026-03-08',
});
