// Chile changes clocks at midnight: on 2026-09-06 local midnight does not exist.
process.env.TZ = 'America/Santiago';

import { registerZoneTests } from './dst-cases';

registerZoneTests({
  zone: 'America/Santiago',
  julyOffsetMinutes: 240,
  shortDay: '2026-09-06',
  longDay: '2026-04-04',
  localDayOfInstant: '2026-03-08',
});
