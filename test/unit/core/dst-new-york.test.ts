process.env.TZ = 'America/New_York';

import { registerZoneTests } from './dst-cases';

registerZoneTests({
  zone: 'America/New_York',
  julyOffsetMinutes: 240,
  shortDay: '2026-03-08',
  longDay: '2026-11-01',
  localDayOfInstant: '2026-03-07',
});
