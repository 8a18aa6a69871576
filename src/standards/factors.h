/* factors.h — which evaluation item an HJ 212 factor code feeds.
 *
 * Why in standards: the engines speak of items ("pm2_5", "nh3n"), the wire of
 * codes ("a34004", "w21003"); the link is a fact of the standards (HJ 212
 * Appendix B vs GB 3095 / GB 3838 / GB 16297 items), not of a face. Operators
 * can override it per factor in the catalogue (`ecobrain factor add --item`).
 */
#ifndef ECO_STANDARDS_FACTORS_H
#define ECO_STANDARDS_FACTORS_H

/** The default evaluation item of a 2017 factor code ("a34004" -> "pm2_5"), or NULL. */
const char *eco_factor_default_item(const char *code);

#endif
