/* codes.c — the HJ 212 code tables as const data: factor codes (Appendix B),
 * system codes ST, command codes CN, ExeRtn, QnRtn and data flags.
 *
 * Why a table module: every factor of every packet is looked up here (the
 * parser calls eco_hj212_code_find once per factor), and a platform that
 * mislabels COD as something else, or cannot read a 2005 "011-Rtd", loses the
 * record's meaning. So the tables are transcribed, not invented: every row
 * below comes from ../shared/reference/hj212.md §9 (HJ 212-2017 Appendix B
 * Tables B.1 water, B.2 gas, B.3 noise, B.10 field information, with the
 * HJ/T 212-2005 "原编码" column) and §2.2 (Tables 5–9). Do not "fix" a row
 * without its source; the unit test compares every row with the notes.
 *
 * Units: the standard prints units in Chinese (毫克/升); they are written here
 * as symbols (mg/L) with this fixed translation, which the unit test repeats:
 *   升/秒 L/s, 立方米 m³, 立方米/秒 m³/s, 平方米 m², 无量纲 "dimensionless",
 *   [色]度 "colour degree", [角]度 °, 摄氏度 °C, 毫克/升 mg/L, 微克/升 µg/L,
 *   纳克/升 ng/L, 毫克/立方米 mg/m³, 纳克/立方米 ng/m³, 千克 kg, 克 g, 毫克 mg,
 *   微西[门子]/厘米 µS/cm, 个/升 count/L, 贝可[勒尔]/升 Bq/L, % %, 千帕 kPa,
 *   米/秒 m/s, 吨/平方千米x月 t/(km²·month), 分贝 dB, 分钟 min, 秒 s, 伏[特] V,
 *   安[培] A, 千瓦[特][小]时 kWh, 年月日时分秒 "YYYYMMDDhhmmss".
 * unit is NULL where the table prints "—"; unit_cou (the -Cou emission
 * amount) likewise. Units never travel on the wire, so these are defaults for
 * display; the platform configures the real unit per (MN, code). The type
 * column (N5.2 ...) and Tables B.4–B.9 (工况 e/g codes, device-class i codes
 * beyond B.10) are not transcribed: those codes come back NULL (unknown).
 *
 * Lookup is one probe of a hash built once from these tables (see
 * eco_hj212_code_find); the binary searches it is built from stay as the
 * reference (eco_hj212_code_find_slow, compared by the unit test).
 */
#include "hj212/hj212.h"
#include "hj212/code_hash.h"

#include <pthread.h>
#include <string.h>

#define K_WATER ECO_HJ212_KIND_WATER
#define K_GAS ECO_HJ212_KIND_GAS
#define K_NOISE ECO_HJ212_KIND_NOISE
#define K_INFO ECO_HJ212_KIND_INFO

/* Each table is sorted by code in byte order (strcmp), as the binary search
 * needs. Columns: 2017 code, 2005 code (原编码) or NULL, Chinese name as
 * printed, English name (our translation), unit of concentration, unit of the
 * -Cou amount, kind. */

/* Table B.1 water factors (HJ 525-2009 codes), all 63 rows. */
static const eco_hj212_code_t water_codes[] = {
    {"w00000", "B01", "污水", "waste water (flow)", "L/s", "m³", K_WATER},
    {"w01001", "001", "pH值", "pH", "dimensionless", NULL, K_WATER},
    {"w01002", "002", "色度", "colour", "colour degree", NULL, K_WATER},
    {"w01006", NULL, "溶解性总固体", "total dissolved solids", "mg/L", "kg", K_WATER},
    {"w01009", NULL, "溶解氧", "dissolved oxygen", "mg/L", NULL, K_WATER},
    {"w01010", NULL, "水温", "water temperature", "°C", NULL, K_WATER},
    {"w01012", "003", "悬浮物", "suspended solids", "mg/L", "kg", K_WATER},
    {"w01014", NULL, "电导率", "electrical conductivity", "µS/cm", NULL, K_WATER},
    {"w01017", "010", "五日生化需氧量", "five-day biochemical oxygen demand (BOD5)", "mg/L", "kg", K_WATER},
    {"w01018", "011", "化学需氧量", "chemical oxygen demand (COD)", "mg/L", "kg", K_WATER},
    {"w01019", NULL, "高锰酸盐指数", "permanganate index", "mg/L", "kg", K_WATER},
    {"w01020", "015", "总有机碳", "total organic carbon", "mg/L", "kg", K_WATER},
    {"w02003", "550", "粪大肠菌群", "faecal coliforms", "count/L", NULL, K_WATER},
    {"w02006", NULL, "细菌总数", "total bacterial count", "count/L", NULL, K_WATER},
    {"w03001", "570", "总α放射性", "gross alpha radioactivity", "Bq/L", NULL, K_WATER},
    {"w03002", "571", "总β放射性", "gross beta radioactivity", "Bq/L", NULL, K_WATER},
    {"w19001", NULL, "表面活性剂", "surfactants", "mg/L", "kg", K_WATER},
    {"w19002", "520", "阴离子表面活性剂", "anionic surfactants", "mg/L", "kg", K_WATER},
    {"w20012", "039", "钡", "barium", "mg/L", "kg", K_WATER},
    {"w20023", "037", "硼", "boron", "mg/L", "kg", K_WATER},
    {"w20038", "040", "钴", "cobalt", "mg/L", "kg", K_WATER},
    {"w20061", "038", "钼", "molybdenum", "mg/L", "kg", K_WATER},
    {"w20089", "041", "铊", "thallium", "ng/L", "mg", K_WATER},
    {"w20092", "036", "锡", "tin", "mg/L", "kg", K_WATER},
    {"w20111", "020", "总汞", "total mercury", "µg/L", "g", K_WATER},
    {"w20113", "021", "烷基汞", "alkyl mercury", "ng/L", "mg", K_WATER},
    {"w20115", "022", "总镉", "total cadmium", "µg/L", "g", K_WATER},
    {"w20116", "023", "总铬", "total chromium", "mg/L", "kg", K_WATER},
    {"w20117", "024", "六价铬", "hexavalent chromium", "µg/L", "g", K_WATER},
    {"w20119", "026", "总砷", "total arsenic", "µg/L", "g", K_WATER},
    {"w20120", "027", "总铅", "total lead", "µg/L", "g", K_WATER},
    {"w20121", "028", "总镍", "total nickel", "mg/L", "kg", K_WATER},
    {"w20122", "029", "总铜", "total copper", "mg/L", "kg", K_WATER},
    {"w20123", "030", "总锌", "total zinc", "mg/L", "kg", K_WATER},
    {"w20124", "031", "总锰", "total manganese", "mg/L", "kg", K_WATER},
    {"w20125", "032", "总铁", "total iron", "mg/L", "kg", K_WATER},
    {"w20126", "033", "总银", "total silver", "mg/L", "kg", K_WATER},
    {"w20127", "034", "总铍", "total beryllium", "µg/L", "g", K_WATER},
    {"w20128", "035", "总硒", "total selenium", "µg/L", "g", K_WATER},
    {"w20138", NULL, "铜", "copper", "mg/L", "kg", K_WATER},
    {"w20139", NULL, "锌", "zinc", "mg/L", "kg", K_WATER},
    {"w20140", NULL, "硒", "selenium", "mg/L", "kg", K_WATER},
    {"w20141", NULL, "砷", "arsenic", "mg/L", "kg", K_WATER},
    {"w20142", NULL, "汞", "mercury", "µg/L", "g", K_WATER},
    {"w20143", NULL, "镉", "cadmium", "µg/L", "g", K_WATER},
    {"w20144", NULL, "铅", "lead", "mg/L", "kg", K_WATER},
    {"w21001", "065", "总氮", "total nitrogen", "mg/L", "kg", K_WATER},
    {"w21003", "060", "氨氮", "ammonia nitrogen", "mg/L", "kg", K_WATER},
    {"w21004", "062", "凯氏氮", "Kjeldahl nitrogen", "mg/L", "kg", K_WATER},
    {"w21006", "063", "亚硝酸盐", "nitrite", "mg/L", "kg", K_WATER},
    {"w21007", "064", "硝酸盐", "nitrate", "mg/L", "kg", K_WATER},
    {"w21011", "101", "总磷", "total phosphorus", "mg/L", "kg", K_WATER},
    {"w21016", "070", "氰化物", "cyanide", "mg/L", "kg", K_WATER},
    {"w21017", "072", "氟化物", "fluoride", "mg/L", "kg", K_WATER},
    {"w21019", "071", "硫化物", "sulfide", "mg/L", "kg", K_WATER},
    {"w21022", "090", "氯化物", "chloride", "mg/L", "kg", K_WATER},
    {"w21038", NULL, "硫酸盐", "sulfate", "mg/L", "kg", K_WATER},
    {"w22001", "080", "石油类", "petroleum oils", "mg/L", "kg", K_WATER},
    {"w23002", "110", "挥发酚", "volatile phenols", "mg/L", "kg", K_WATER},
    {"w25043", "540", "苯并[α]芘", "benzo[a]pyrene", "µg/L", "g", K_WATER},
    {"w33001", "350", "六六六", "hexachlorocyclohexane (BHC)", "ng/L", "mg", K_WATER},
    {"w33007", "351", "滴滴涕", "DDT", "ng/L", "mg", K_WATER},
    {"w99001", "061", "有机氮", "organic nitrogen", "mg/L", "kg", K_WATER},
};

/* Table B.2 gas factors (HJ 524-2009 codes), all 121 rows, plus a05024 (O₃).
 *
 * PM unit oddity: B.2 prints 纳克/立方米 (ng/m³) for TSP, PM10, PM2.5 and
 * PM1.0 (and for NH₃, CH₄ and the ambient metals), where ambient practice
 * and GB 3095 use µg/m³. That is probably an error in the standard, but it
 * is what the table says, so it is kept; do not trust these units for
 * conversion (the platform configures units per device).
 *
 * a05024 ozone is NOT in Table B.2 although every air-quality station
 * reports it (notes §2.4; vector FL-0411): HJ 524-2009, not in HJ 212-2017
 * Table B.2. Its unit is the GB 3095 ambient unit, not from any HJ 212 table.
 * Other codes outside B.2 seen in the field (a34006 a34007 a34047 a34048
 * a34049 a34514 a34515) are left out: the notes give no name for them. */
static const eco_hj212_code_t gas_codes[] = {
    {"a00000", "B02", "废气", "waste gas (flow)", "m³/s", "m³", K_GAS},
    {"a01001", NULL, "温度", "temperature", "°C", NULL, K_GAS},
    {"a01002", NULL, "湿度", "humidity", "%", NULL, K_GAS},
    {"a01006", NULL, "气压", "air pressure", "kPa", NULL, K_GAS},
    {"a01007", NULL, "风速", "wind speed", "m/s", NULL, K_GAS},
    {"a01008", NULL, "风向", "wind direction", "°", NULL, K_GAS},
    {"a01010", "37", "林格曼黑度", "Ringelmann blackness", "dimensionless", NULL, K_GAS},
    {"a01011", "S02", "烟气流速", "flue gas velocity", "m/s", NULL, K_GAS},
    {"a01012", "S03", "烟气温度", "flue gas temperature", "°C", NULL, K_GAS},
    {"a01013", "S08", "烟气压力", "flue gas pressure", "kPa", NULL, K_GAS},
    {"a01014", "S05", "烟气湿度", "flue gas humidity", "%", NULL, K_GAS},
    {"a01015", "S06", "制冷温度", "chiller temperature", "°C", NULL, K_GAS},
    {"a01016", "S07", "烟道截面积", "flue cross-section area", "m²", NULL, K_GAS},
    {"a01017", "S04", "烟气动压", "flue gas dynamic pressure", "kPa", NULL, K_GAS},
    {"a01901", NULL, "垃圾焚烧炉膛内焚烧平均温度", "waste incinerator furnace mean combustion temperature", "°C", NULL, K_GAS},
    {"a01902", NULL, "垃圾焚烧炉膛内DCS温度", "waste incinerator furnace DCS temperature", "°C", NULL, K_GAS},
    {"a05001", "30", "二氧化碳", "carbon dioxide", "mg/m³", "kg", K_GAS},
    {"a05002", NULL, "甲烷", "methane", "ng/m³", "g", K_GAS}, /* ng/m³ as printed */
    {"a05008", NULL, "三氯一氟甲烷", "trichlorofluoromethane", "mg/m³", "kg", K_GAS},
    {"a05009", NULL, "二氯二氟甲烷", "dichlorodifluoromethane", "mg/m³", "kg", K_GAS},
    {"a05013", NULL, "三氯三氟乙烷", "trichlorotrifluoroethane", "mg/m³", "kg", K_GAS},
    {"a05024", NULL, "臭氧", "ozone", "µg/m³", NULL, K_GAS}, /* HJ 524-2009, not in HJ 212-2017 Table B.2 */
    {"a19001", "S01", "氧气含量", "oxygen content", "%", NULL, K_GAS},
    {"a20007", NULL, "砷", "arsenic", "ng/m³", "g", K_GAS},
    {"a20016", "36", "铍及其化合物", "beryllium and its compounds", "mg/m³", "kg", K_GAS},
    {"a20025", "33", "镉及其化合物", "cadmium and its compounds", "mg/m³", "kg", K_GAS},
    {"a20026", NULL, "镉", "cadmium", "ng/m³", "g", K_GAS},
    {"a20043", "32", "铅及其化合物", "lead and its compounds", "mg/m³", "kg", K_GAS},
    {"a20044", NULL, "铅", "lead", "ng/m³", "g", K_GAS},
    {"a20057", "31", "汞及其化合物", "mercury and its compounds", "mg/m³", "kg", K_GAS},
    {"a20058", NULL, "汞", "mercury", "ng/m³", "g", K_GAS},
    {"a20063", "35", "镍及其化合物", "nickel and its compounds", "mg/m³", "kg", K_GAS},
    {"a20091", "34", "锡及其化合物", "tin and its compounds", "mg/m³", "kg", K_GAS},
    {"a21001", "10", "氨（氨气）", "ammonia", "ng/m³", "g", K_GAS}, /* ng/m³ as printed */
    {"a21002", "03", "氮氧化物", "nitrogen oxides", "mg/m³", "kg", K_GAS},
    {"a21003", NULL, "一氧化氮", "nitric oxide", "mg/m³", "kg", K_GAS},
    {"a21004", NULL, "二氧化氮", "nitrogen dioxide", "mg/m³", "kg", K_GAS},
    {"a21005", "04", "一氧化碳", "carbon monoxide", "mg/m³", "kg", K_GAS},
    {"a21017", "07", "氰化物", "cyanide", "mg/m³", "kg", K_GAS},
    {"a21018", "06", "氟化物", "fluoride", "mg/m³", "kg", K_GAS},
    {"a21022", "11", "氯气", "chlorine", "mg/m³", "kg", K_GAS},
    {"a21024", "08", "氯化氢", "hydrogen chloride", "mg/m³", "kg", K_GAS},
    {"a21026", "02", "二氧化硫", "sulfur dioxide", "mg/m³", "kg", K_GAS},
    {"a21028", "05", "硫化氢", "hydrogen sulfide", "mg/m³", "kg", K_GAS},
    {"a23001", "27", "酚类", "phenols", "mg/m³", "kg", K_GAS},
    {"a24003", NULL, "二氯甲烷", "dichloromethane", "mg/m³", "kg", K_GAS},
    {"a24004", NULL, "三氯甲烷", "trichloromethane (chloroform)", "mg/m³", "kg", K_GAS},
    {"a24005", NULL, "四氯甲烷", "tetrachloromethane", "mg/m³", "kg", K_GAS},
    {"a24006", NULL, "二溴一氯甲烷", "dibromochloromethane", "mg/m³", "kg", K_GAS},
    {"a24007", NULL, "一溴二氯甲烷", "bromodichloromethane", "mg/m³", "kg", K_GAS},
    {"a24008", NULL, "溴甲烷", "bromomethane", "mg/m³", "kg", K_GAS},
    {"a24009", NULL, "三溴甲烷", "tribromomethane (bromoform)", "mg/m³", "kg", K_GAS},
    {"a24015", NULL, "氯乙烷", "chloroethane", "mg/m³", "kg", K_GAS},
    {"a24016", NULL, "1,1-二氯乙烷", "1,1-dichloroethane", "mg/m³", "kg", K_GAS},
    {"a24017", NULL, "1,2-二氯乙烷", "1,2-dichloroethane", "mg/m³", "kg", K_GAS},
    {"a24018", NULL, "1,1,1-三氯乙烷", "1,1,1-trichloroethane", "mg/m³", "kg", K_GAS},
    {"a24019", NULL, "1,1,2-三氯乙烷", "1,1,2-trichloroethane", "mg/m³", "kg", K_GAS},
    {"a24020", NULL, "1,1,2,2-四氯乙烷", "1,1,2,2-tetrachloroethane", "mg/m³", "kg", K_GAS},
    {"a24027", NULL, "1,2-二氯丙烷", "1,2-dichloropropane", "mg/m³", "kg", K_GAS},
    {"a24034", NULL, "1,2-二溴乙烷", "1,2-dibromoethane", "mg/m³", "kg", K_GAS},
    {"a24036", NULL, "环己烷", "cyclohexane", "mg/m³", "kg", K_GAS},
    {"a24042", NULL, "正己烷", "n-hexane", "mg/m³", "kg", K_GAS},
    {"a24043", NULL, "正庚烷", "n-heptane", "mg/m³", "kg", K_GAS},
    {"a24046", "29", "氯乙烯", "vinyl chloride", "mg/m³", "kg", K_GAS},
    {"a24047", NULL, "1,1-二氯乙烯", "1,1-dichloroethylene", "mg/m³", "kg", K_GAS},
    {"a24049", NULL, "三氯乙烯", "trichloroethylene", "mg/m³", "kg", K_GAS},
    {"a24050", NULL, "四氯乙烯", "tetrachloroethylene", "mg/m³", "kg", K_GAS},
    {"a24053", NULL, "丙烯", "propylene", "mg/m³", "kg", K_GAS},
    {"a24054", NULL, "1,3-二氯丙烯", "1,3-dichloropropene", "mg/m³", "kg", K_GAS},
    {"a24072", NULL, "1,4-二恶烷", "1,4-dioxane", "mg/m³", "kg", K_GAS},
    {"a24078", NULL, "1,3-丁二烯", "1,3-butadiene", "mg/m³", "kg", K_GAS},
    {"a24087", "25", "碳氢化合物", "hydrocarbons", "mg/m³", "kg", K_GAS},
    {"a24088", NULL, "非甲烷总烃", "non-methane hydrocarbons", "mg/m³", "kg", K_GAS},
    {"a24099", NULL, "氯甲烷", "chloromethane", "mg/m³", "kg", K_GAS},
    {"a24110", NULL, "反式-1,2-二氯乙烯", "trans-1,2-dichloroethylene", "mg/m³", "kg", K_GAS},
    {"a24111", NULL, "顺式-1,2-二氯乙烯", "cis-1,2-dichloroethylene", "mg/m³", "kg", K_GAS},
    {"a24112", NULL, "反式-1,3-二氯丙烯", "trans-1,3-dichloropropene", "mg/m³", "kg", K_GAS},
    {"a24113", NULL, "六氯-1,3-丁二烯", "hexachloro-1,3-butadiene", "mg/m³", "kg", K_GAS},
    {"a25002", NULL, "苯", "benzene", "mg/m³", "kg", K_GAS},
    {"a25003", "17", "甲苯", "toluene", "mg/m³", "kg", K_GAS},
    {"a25004", NULL, "乙苯", "ethylbenzene", "mg/m³", "kg", K_GAS},
    {"a25005", "18", "二甲苯", "xylene", "mg/m³", "kg", K_GAS},
    {"a25006", NULL, "1,2-二甲基苯", "1,2-dimethylbenzene (o-xylene)", "mg/m³", "kg", K_GAS},
    {"a25007", NULL, "1,3-二甲基苯", "1,3-dimethylbenzene (m-xylene)", "mg/m³", "kg", K_GAS},
    {"a25008", NULL, "1,4-二甲基苯", "1,4-dimethylbenzene (p-xylene)", "mg/m³", "kg", K_GAS},
    {"a25010", "23", "氯苯", "chlorobenzene", "mg/m³", "kg", K_GAS},
    {"a25011", NULL, "1,2-二氯苯", "1,2-dichlorobenzene", "mg/m³", "kg", K_GAS},
    {"a25012", NULL, "1,3-二氯苯", "1,3-dichlorobenzene", "mg/m³", "kg", K_GAS},
    {"a25013", NULL, "1,4-二氯苯", "1,4-dichlorobenzene", "mg/m³", "kg", K_GAS},
    {"a25014", NULL, "1-乙基-4-甲基苯", "1-ethyl-4-methylbenzene", "mg/m³", "kg", K_GAS},
    {"a25015", NULL, "1,2,4-三氯苯", "1,2,4-trichlorobenzene", "mg/m³", "kg", K_GAS},
    {"a25019", NULL, "1,2,4-三甲基苯", "1,2,4-trimethylbenzene", "mg/m³", "kg", K_GAS},
    {"a25020", NULL, "1,2,3-三甲基苯", "1,2,3-trimethylbenzene", "mg/m³", "kg", K_GAS},
    {"a25021", NULL, "1,3,5-三甲基苯", "1,3,5-trimethylbenzene", "mg/m³", "kg", K_GAS},
    {"a25023", "22", "硝基苯", "nitrobenzene", "mg/m³", "kg", K_GAS},
    {"a25038", NULL, "乙烯基苯", "vinylbenzene (styrene)", "mg/m³", "kg", K_GAS},
    {"a25044", "20", "苯并[a]芘", "benzo[a]pyrene", "mg/m³", "kg", K_GAS},
    {"a25072", NULL, "四氢呋喃", "tetrahydrofuran", "mg/m³", "kg", K_GAS},
    {"a26001", "21", "苯胺类", "anilines", "mg/m³", "kg", K_GAS},
    {"a29017", NULL, "乙酸乙酯", "ethyl acetate", "mg/m³", "kg", K_GAS},
    {"a29026", NULL, "乙酸乙烯酯", "vinyl acetate", "mg/m³", "kg", K_GAS},
    {"a30001", "28", "甲醇", "methanol", "mg/m³", "kg", K_GAS},
    {"a30008", NULL, "异丙醇", "isopropanol", "mg/m³", "kg", K_GAS},
    {"a30022", "13", "硫醇", "mercaptans", "mg/m³", "kg", K_GAS},
    {"a31001", "19", "甲醛", "formaldehyde", "mg/m³", "kg", K_GAS},
    {"a31002", "26", "乙醛", "acetaldehyde", "mg/m³", "kg", K_GAS},
    {"a31024", NULL, "丙酮", "acetone", "mg/m³", "kg", K_GAS},
    {"a31025", NULL, "2-丁酮", "2-butanone", "mg/m³", "kg", K_GAS},
    {"a31030", NULL, "甲基异丁基甲酮", "methyl isobutyl ketone", "mg/m³", "kg", K_GAS},
    {"a34001", NULL, "总悬浮颗粒物TSP", "total suspended particulates (TSP)", "ng/m³", "g", K_GAS}, /* B.2 prints ng/m³ for PM, see above */
    {"a34002", NULL, "可吸入颗粒物PM10", "inhalable particulate matter (PM10)", "ng/m³", "g", K_GAS}, /* ng/m³ as printed */
    {"a34004", NULL, "细微颗粒物PM2.5", "fine particulate matter (PM2.5)", "ng/m³", "g", K_GAS}, /* ng/m³ as printed */
    {"a34005", NULL, "亚微米颗粒物PM1.0", "submicron particulate matter (PM1.0)", "ng/m³", "g", K_GAS}, /* ng/m³ as printed */
    {"a34011", NULL, "降尘", "dustfall", "t/(km²·month)", NULL, K_GAS},
    {"a34013", "01", "烟尘", "smoke dust (flue-gas particulates)", "mg/m³", "kg", K_GAS},
    {"a34017", NULL, "炭黑尘", "carbon black dust", "mg/m³", "kg", K_GAS},
    {"a34038", "09", "沥青烟", "asphalt fume", "mg/m³", "kg", K_GAS},
    {"a34039", "14", "硫酸雾", "sulfuric acid mist", "mg/m³", "kg", K_GAS},
    {"a34040", "15", "铬酸雾", "chromic acid mist", "mg/m³", "kg", K_GAS},
    {"a99010", NULL, "丙烯腈", "acrylonitrile", "mg/m³", "kg", K_GAS},
    {"a99049", "24", "光气", "phosgene", "mg/m³", "kg", K_GAS},
    {"a99051", "12", "二硫化碳", "carbon disulfide", "mg/m³", "kg", K_GAS},
};

/* Table B.3 noise factors (GB 3096-2008), all 12 rows; re-ordered into byte
 * order (the table prints LA L5 L10 ... LMn). No 2005 codes, no -Cou unit. */
static const eco_hj212_code_t noise_codes[] = {
    {"L10", NULL, "累计百分声级L10", "percentile sound level L10", "dB", NULL, K_NOISE},
    {"L5", NULL, "累计百分声级L5", "percentile sound level L5", "dB", NULL, K_NOISE},
    {"L50", NULL, "累计百分声级L50", "percentile sound level L50", "dB", NULL, K_NOISE},
    {"L90", NULL, "累计百分声级L90", "percentile sound level L90", "dB", NULL, K_NOISE},
    {"L95", NULL, "累计百分声级L95", "percentile sound level L95", "dB", NULL, K_NOISE},
    {"LA", NULL, "A权声级", "A-weighted sound level", "dB", NULL, K_NOISE},
    {"LMn", NULL, "最小的瞬时声级", "minimum instantaneous sound level", "dB", NULL, K_NOISE},
    {"LMx", NULL, "最大的瞬时声级", "maximum instantaneous sound level", "dB", NULL, K_NOISE},
    {"Ld", NULL, "昼间等效声级", "daytime equivalent sound level", "dB", NULL, K_NOISE},
    {"Ldn", NULL, "昼夜等效声级", "day-night equivalent sound level", "dB", NULL, K_NOISE},
    {"Leq", NULL, "等效声级", "equivalent continuous sound level", "dB", NULL, K_NOISE},
    {"Ln", NULL, "夜间等效声级", "night-time equivalent sound level", "dB", NULL, K_NOISE},
};

/* Table B.10 field-side information codes (xxxxxx-Info with CN 3020/3021),
 * all 38 rows. The value meanings of the status codes (notes column) are kept
 * as comments. i3331x..i3334x: "x 为设备编号（0-9）可以根据测点数量扩充" — the
 * table stores the literal 'x' and the lookup maps i3331<digit> to it.
 * Not included: i23005..i23008 (HJ 212-2025 1001 hardware serials): the notes
 * give their role but not their names. */
static const eco_hj212_code_t info_codes[] = {
    {"i11001", NULL, "运行日志", "instrument run log", NULL, NULL, K_INFO}, /* log text between "//", UTF-8, C890 */
    {"i12001", NULL, "工作状态", "instrument working status", "dimensionless", NULL, K_INFO}, /* 0 运行 1 维护 2 故障 3 校准 5 反吹 6 电源故障 7 测量 8 标定 9 待机 10 运维 */
    {"i12002", NULL, "分析仪与数采仪通讯状态", "analyser-DAU communication status", "dimensionless", NULL, K_INFO}, /* 0 正常 1 异常 */
    {"i12003", NULL, "COD分析仪报警状态", "COD analyser alarm status", "dimensionless", NULL, K_INFO}, /* 0 正常 1 报警 */
    {"i13001", NULL, "测量量程", "measuring range", NULL, NULL, K_INFO}, /* unit and type defined by the instrument */
    {"i13002", NULL, "测量精度", "measuring precision", NULL, NULL, K_INFO}, /* unit and type defined by the instrument */
    {"i13003", NULL, "测量间隔", "measuring interval", "min", NULL, K_INFO},
    {"i13004", NULL, "消解温度", "digestion temperature", "°C", NULL, K_INFO},
    {"i13005", NULL, "消解时长", "digestion duration", "min", NULL, K_INFO},
    {"i13006", NULL, "校准时间", "calibration time", "YYYYMMDDhhmmss", NULL, K_INFO}, /* "unit" 年月日时分秒: a timestamp YYYYMMDDHHMMSS */
    {"i13007", NULL, "截距", "intercept", NULL, NULL, K_INFO}, /* unit and type defined by the instrument */
    {"i13008", NULL, "斜率", "slope", NULL, NULL, K_INFO}, /* unit and type defined by the instrument */
    {"i13009", NULL, "测量检出限", "detection limit", NULL, NULL, K_INFO}, /* unit and type defined by the instrument */
    {"i21001", NULL, "运行日志", "DAU run log", NULL, NULL, K_INFO}, /* log text between "//", UTF-8, C890 */
    {"i22001", NULL, "工作状态", "DAU working status", "dimensionless", NULL, K_INFO}, /* 0 运行 1 停机 2 故障 3 维护 */
    {"i22002", NULL, "用户状态", "DAU user status", "dimensionless", NULL, K_INFO}, /* 0 普通用户 1 管理员 2 维护人员 */
    {"i22003", NULL, "数采仪与上位机通讯状态", "DAU-platform communication status", "dimensionless", NULL, K_INFO}, /* 0 正常 1 异常 */
    {"i22101", NULL, "数采仪通道通讯状态", "DAU channel communication status", "dimensionless", NULL, K_INFO}, /* 0 正常 1 异常 2 通道未接设备 */
    {"i23001", NULL, "本地大气压力", "local atmospheric pressure", "kPa", NULL, K_INFO},
    {"i31001", NULL, "门禁日志", "access-control log", NULL, NULL, K_INFO}, /* log text between "//", UTF-8, C890 */
    {"i32001", NULL, "门禁状态", "access-control status", "dimensionless", NULL, K_INFO}, /* 0 运行 1 停机 2 故障 3 维护 */
    {"i33001", NULL, "CEMS伴热管温度", "CEMS heated sample line temperature", "°C", NULL, K_INFO},
    {"i33002", NULL, "CEMS冷凝温度", "CEMS condenser temperature", "°C", NULL, K_INFO},
    {"i33101", NULL, "监测站房温度", "station room temperature", "°C", NULL, K_INFO},
    {"i33102", NULL, "监测站房湿度", "station room humidity", "°C", NULL, K_INFO}, /* sic: B.10 prints 摄氏度 for a humidity */
    {"i33103", NULL, "监测站房电压", "station room voltage", "V", NULL, K_INFO},
    {"i33104", NULL, "监测站房原水压力", "station raw-water pressure", "kPa", NULL, K_INFO},
    {"i33105", NULL, "监测站房进样压力1", "station sample inlet pressure 1", "kPa", NULL, K_INFO},
    {"i33106", NULL, "监测站房进样压力2", "station sample inlet pressure 2", "kPa", NULL, K_INFO},
    {"i33107", NULL, "沉砂池清洗时间", "grit chamber cleaning time", "s", NULL, K_INFO},
    {"i33200", NULL, "污水处理站（厂）电流量", "treatment plant electric current", "A", NULL, K_INFO},
    {"i33201", NULL, "污水处理站（厂）累计耗电量", "treatment plant cumulative electricity consumption", "kWh", NULL, K_INFO},
    {"i33202", NULL, "污水处理站（厂）日耗电量", "treatment plant daily electricity consumption", "kWh", NULL, K_INFO},
    {"i3331x", NULL, "炉膛内上部焚烧温度", "furnace upper-zone combustion temperature", "°C", NULL, K_INFO}, /* x = device number 0-9 */
    {"i3332x", NULL, "炉膛内中部焚烧温度", "furnace middle-zone combustion temperature", "°C", NULL, K_INFO},
    {"i3333x", NULL, "炉膛内下部焚烧温度", "furnace lower-zone combustion temperature", "°C", NULL, K_INFO},
    {"i3334x", NULL, "炉膛内二次空气喷入点温度", "furnace secondary-air injection point temperature", "°C", NULL, K_INFO},
    {"i33400", NULL, "生产负荷", "production load", "%", NULL, K_INFO}, /* from the plant DCS if available, else a sensor */
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------------ 2005 codes */

/* HJ/T 212-2005 code → 2017 code, read off the 原编码 column of B.1 and B.2,
 * sorted by the 2005 code. The test checks both directions against the notes.
 *
 * The 2005 → 2017 rule: water codes are 3 characters (digits, or B01 for the
 * flow), gas codes 2 digits, Sxx (flue-gas parameters) or B02 (the flow). As
 * transcribed, no 2005 code string appears in both tables, so a 2005 code
 * names one factor whatever the ST. The ST only decides which table is
 * searched FIRST (and would decide a collision if one is ever added):
 *   ST 22 (air quality), 27 (VOC), 31 (air pollution source), 39 (site dust)
 *   and 51 (flue-gas process) search gas first; every other ST — 21 24 26 32
 *   33 34 52 ..., unknown, empty or absent — searches water first.
 * Then the other table is searched, because devices mislabel ST (dust
 * monitors sending ST=51, vectors with ST=80) and the code text itself is
 * unambiguous. Noise and information codes have no 2005 form. */
typedef struct {
    const char *c2005, *c2017;
} map2005_t;

static const map2005_t water_2005[] = {
    {"001", "w01001"},
    {"002", "w01002"},
    {"003", "w01012"},
    {"010", "w01017"},
    {"011", "w01018"},
    {"015", "w01020"},
    {"020", "w20111"},
    {"021", "w20113"},
    {"022", "w20115"},
    {"023", "w20116"},
    {"024", "w20117"},
    {"026", "w20119"},
    {"027", "w20120"},
    {"028", "w20121"},
    {"029", "w20122"},
    {"030", "w20123"},
    {"031", "w20124"},
    {"032", "w20125"},
    {"033", "w20126"},
    {"034", "w20127"},
    {"035", "w20128"},
    {"036", "w20092"},
    {"037", "w20023"},
    {"038", "w20061"},
    {"039", "w20012"},
    {"040", "w20038"},
    {"041", "w20089"},
    {"060", "w21003"},
    {"061", "w99001"},
    {"062", "w21004"},
    {"063", "w21006"},
    {"064", "w21007"},
    {"065", "w21001"},
    {"070", "w21016"},
    {"071", "w21019"},
    {"072", "w21017"},
    {"080", "w22001"},
    {"090", "w21022"},
    {"101", "w21011"},
    {"110", "w23002"},
    {"350", "w33001"},
    {"351", "w33007"},
    {"520", "w19002"},
    {"540", "w25043"},
    {"550", "w02003"},
    {"570", "w03001"},
    {"571", "w03002"},
    {"B01", "w00000"},
};

static const map2005_t gas_2005[] = {
    {"01", "a34013"},
    {"02", "a21026"},
    {"03", "a21002"},
    {"04", "a21005"},
    {"05", "a21028"},
    {"06", "a21018"},
    {"07", "a21017"},
    {"08", "a21024"},
    {"09", "a34038"},
    {"10", "a21001"},
    {"11", "a21022"},
    {"12", "a99051"},
    {"13", "a30022"},
    {"14", "a34039"},
    {"15", "a34040"},
    {"17", "a25003"},
    {"18", "a25005"},
    {"19", "a31001"},
    {"20", "a25044"},
    {"21", "a26001"},
    {"22", "a25023"},
    {"23", "a25010"},
    {"24", "a99049"},
    {"25", "a24087"},
    {"26", "a31002"},
    {"27", "a23001"},
    {"28", "a30001"},
    {"29", "a24046"},
    {"30", "a05001"},
    {"31", "a20057"},
    {"32", "a20043"},
    {"33", "a20025"},
    {"34", "a20091"},
    {"35", "a20063"},
    {"36", "a20016"},
    {"37", "a01010"},
    {"B02", "a00000"},
    {"S01", "a19001"},
    {"S02", "a01011"},
    {"S03", "a01012"},
    {"S04", "a01017"},
    {"S05", "a01014"},
    {"S06", "a01015"},
    {"S07", "a01016"},
    {"S08", "a01013"},
};

/* Byte-order comparison of a slice with a C string (like strcmp). */
static int slice_cmp(eco_slice_t k, const char *s)
{
    for (size_t i = 0; i < k.len; i++) {
        unsigned char a = (unsigned char)k.ptr[i], b = (unsigned char)s[i];
        if (b == 0)
            return 1;
        if (a != b)
            return a < b ? -1 : 1;
    }
    return s[k.len] ? -1 : 0;
}

static const eco_hj212_code_t *search_codes(const eco_hj212_code_t *t, size_t n, eco_slice_t k)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = slice_cmp(k, t[mid].code);
        if (c == 0)
            return &t[mid];
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

static const char *search_2005(const map2005_t *t, size_t n, eco_slice_t k)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = slice_cmp(k, t[mid].c2005);
        if (c == 0)
            return t[mid].c2017;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

static const eco_hj212_code_t *find_2017(eco_slice_t k)
{
    switch (k.ptr[0]) {
    case 'w':
        return search_codes(water_codes, NELEM(water_codes), k);
    case 'a':
        return search_codes(gas_codes, NELEM(gas_codes), k);
    case 'i':
        return search_codes(info_codes, NELEM(info_codes), k);
    case 'L':
        return search_codes(noise_codes, NELEM(noise_codes), k);
    default:
        return NULL;
    }
}

static int st_is(eco_slice_t st, const char *two)
{
    return st.len == 2 && st.ptr[0] == two[0] && st.ptr[1] == two[1];
}

/* Gas-first system codes for 2005 lookups (see the rule above). */
static int st_prefers_gas(eco_slice_t st)
{
    if (!st.ptr)
        return 0;
    st = eco_slice_trim(st);
    return st_is(st, "22") || st_is(st, "27") || st_is(st, "31") || st_is(st, "39") || st_is(st, "51");
}

/* The search above, done once: every answer eco_hj212_code_find can give is
 * put in an open-addressing hash on the code's bytes (built on first use,
 * pthread_once), so a look-up — once per factor of every packet — is one
 * hash and one or two probes instead of a string binary search. Keys: every
 * 2017 code as written, i3331x..i3334x expanded to their ten digits, and
 * every 2005 code with its water and gas answers kept apart (ST still decides
 * which is tried first, exactly as the search does). The slow search stays as
 * the reference: the unit test checks the two agree. */
#define CODE_HASH_BITS ECO_HJ212_CODE_HASH_BITS
#define CODE_HASH_SIZE ECO_HJ212_CODE_HASH_SIZE

typedef eco_hj212_code_slot_t code_slot_t; /* code_hash.h: parse.c probes it too */

static code_slot_t code_hash[CODE_HASH_SIZE];
static void names_index_init(void); /* the CN and ST indexes below, built with the hash */
static pthread_once_t code_hash_once = PTHREAD_ONCE_INIT;
/* set (release) once code_hash is built: a look-up that sees it (acquire)
 * sees the table, and skips the call to pthread_once */
static int code_hash_ready;

static inline uint64_t code_key(const char *p, size_t n)
{
    uint64_t x = 0;
    for (size_t i = 0; i < n; i++) x |= (uint64_t)(unsigned char)p[i] << (8 * i);
    return x;
}

static inline uint32_t code_slot_of(uint64_t key, size_t len) { return eco_hj212_code_slot_of(key, len); }

static code_slot_t *code_slot_put(const char *p, size_t n)
{
    uint64_t key = code_key(p, n);
    uint32_t i = code_slot_of(key, n);
    while (code_hash[i].len && !(code_hash[i].len == n && code_hash[i].key == key)) i = (i + 1) & (CODE_HASH_SIZE - 1);
    code_hash[i].key = key;
    code_hash[i].len = (uint8_t)n;
    return &code_hash[i];
}

static void code_hash_init(void)
{
    static const struct {
        const eco_hj212_code_t *t;
        size_t n;
    } tables[] = {{water_codes, NELEM(water_codes)},
                  {gas_codes, NELEM(gas_codes)},
                  {info_codes, NELEM(info_codes)},
                  {noise_codes, NELEM(noise_codes)}};
    for (size_t k = 0; k < NELEM(tables); k++)
        for (size_t i = 0; i < tables[k].n; i++) {
            const eco_hj212_code_t *e = &tables[k].t[i];
            size_t n = strlen(e->code);
            code_slot_put(e->code, n)->info = e;
            if (n == 6 && e->code[0] == 'i' && e->code[5] == 'x')
                for (char d = '0'; d <= '9'; d++) {
                    char pat[6];
                    memcpy(pat, e->code, 5);
                    pat[5] = d;
                    code_slot_put(pat, 6)->info = e;
                }
        }
    for (size_t i = 0; i < NELEM(water_2005); i++)
        code_slot_put(water_2005[i].c2005, strlen(water_2005[i].c2005))->water =
            find_2017(eco_slice_cstr(water_2005[i].c2017));
    for (size_t i = 0; i < NELEM(gas_2005); i++)
        code_slot_put(gas_2005[i].c2005, strlen(gas_2005[i].c2005))->gas =
            find_2017(eco_slice_cstr(gas_2005[i].c2017));
    names_index_init();
    __atomic_store_n(&code_hash_ready, 1, __ATOMIC_RELEASE);
}

/* the tables above, built on first use */
static inline void codes_ready(void)
{
    if (__builtin_expect(!__atomic_load_n(&code_hash_ready, __ATOMIC_ACQUIRE), 0))
        pthread_once(&code_hash_once, code_hash_init);
}

const eco_hj212_code_slot_t *eco_hj212_code_slots(void)
{
    codes_ready();
    return code_hash;
}

/* The reference: binary searches over the tables (what the hash holds). */
const eco_hj212_code_t *eco_hj212_code_find_slow(eco_slice_t code, eco_slice_t st);
const eco_hj212_code_t *eco_hj212_code_find_slow(eco_slice_t code, eco_slice_t st)
{
    if (!code.ptr || code.len == 0 || code.len > 8)
        return NULL;
    const eco_hj212_code_t *e = find_2017(code);
    if (e)
        return e;
    /* B.10 i3331x..i3334x: x is a device number 0-9 */
    if (code.len == 6 && code.ptr[0] == 'i' && code.ptr[5] >= '0' && code.ptr[5] <= '9') {
        char pat[6];
        memcpy(pat, code.ptr, 6);
        pat[5] = 'x';
        return search_codes(info_codes, NELEM(info_codes), (eco_slice_t){pat, 6});
    }
    if (code.len < 2 || code.len > 3)
        return NULL; /* every 2005 code is 2 or 3 characters */
    const map2005_t *t1 = water_2005, *t2 = gas_2005;
    size_t n1 = NELEM(water_2005), n2 = NELEM(gas_2005);
    if (st_prefers_gas(st)) {
        t1 = gas_2005, n1 = NELEM(gas_2005);
        t2 = water_2005, n2 = NELEM(water_2005);
    }
    const char *c2017 = search_2005(t1, n1, code);
    if (!c2017)
        c2017 = search_2005(t2, n2, code);
    return c2017 ? find_2017(eco_slice_cstr(c2017)) : NULL;
}

/* The look-up with the code's key (code_key of its bytes) already made:
 * the parser has it at hand, as it compares factor codes by that key. Not in
 * hj212.h — an internal entry for parse.c, which declares it. */
const eco_hj212_code_t *eco_hj212_code_find_key(eco_slice_t code, uint64_t key, eco_slice_t st);
const eco_hj212_code_t *eco_hj212_code_find_key(eco_slice_t code, uint64_t key, eco_slice_t st)
{
    if (!code.ptr || code.len == 0 || code.len > 8)
        return NULL;
    codes_ready();
    for (uint32_t i = code_slot_of(key, code.len);; i = (i + 1) & (CODE_HASH_SIZE - 1)) {
        const code_slot_t *s = &code_hash[i];
        if (!s->len)
            return NULL;
        if (s->len != code.len || s->key != key)
            continue;
        if (s->info)
            return s->info;
        if (st_prefers_gas(st))
            return s->gas ? s->gas : s->water;
        return s->water ? s->water : s->gas;
    }
}

const eco_hj212_code_t *eco_hj212_code_find(eco_slice_t code, eco_slice_t st)
{
    if (!code.ptr || code.len == 0 || code.len > 8)
        return NULL;
    return eco_hj212_code_find_key(code, code_key(code.ptr, code.len), st);
}

/* ------------------------------------------------------------------ ST, Table 5 */

/* HJ 212-2017 Table 5 (categories 10–29 quality, 30–49 pollution source,
 * 50–69 process, 91–99 interaction; A0–Z9 are left for extension and have no
 * names), plus HJ 212-2025's 44 and 45 (notes §2.2, medium confidence).
 * Names as printed in the standard. Sorted by code. */
static const struct {
    const char *st, *name;
} st_names[] = {
    {"21", "地表水质量监测"},     {"22", "空气质量监测"},       {"23", "声环境质量监测"},
    {"24", "地下水质量监测"},     {"25", "土壤质量监测"},       {"26", "海水质量监测"},
    {"27", "挥发性有机物监测"},   {"31", "大气环境污染源"},     {"32", "地表水体环境污染源"},
    {"33", "地下水体环境污染源"}, {"34", "海洋环境污染源"},     {"35", "土壤环境污染源"},
    {"36", "声环境污染源"},       {"37", "振动环境污染源"},     {"38", "放射性环境污染源"},
    {"39", "工地扬尘污染源"},     {"41", "电磁环境污染源"},     {"44", "用电监控"},
    {"45", "关键生产工况监控"},   {"51", "烟气排放过程监控"},   {"52", "污水排放过程监控"},
    {"91", "系统交互"},
};

/* The binary search over st_names (what st_index holds for "00".."99"). Not
 * in hj212.h: the unit test compares the two. */
const char *eco_hj212_st_name_slow(eco_slice_t st);
const char *eco_hj212_st_name_slow(eco_slice_t st)
{
    if (!st.ptr)
        return NULL;
    if (st.len != 2 || st.ptr[0] == ' ' || st.ptr[0] == '\t' || st.ptr[1] == ' ' || st.ptr[1] == '\t')
        st = eco_slice_trim(st); /* "22" as sent needs no trimming */
    if (st.len != 2)
        return NULL;
    /* the table is sorted: a branch-free binary search on the two bytes */
    unsigned key = (unsigned)(unsigned char)st.ptr[0] << 8 | (unsigned char)st.ptr[1];
    size_t base = 0, n = NELEM(st_names);
    while (n > 1) {
        size_t half = n / 2, m = base + half;
        unsigned km = (unsigned)(unsigned char)st_names[m].st[0] << 8 | (unsigned char)st_names[m].st[1];
        base = km <= key ? m : base;
        n -= half;
    }
    return st_is(st, st_names[base].st) ? st_names[base].name : NULL;
}

/* The name of ST "dd" (two digits: nearly every packet's) from an index of
 * the hundred, built once with the code hash; any other ST by the search. */
static uint8_t st_index[100]; /* st_names index + 1, 0: none */

const char *eco_hj212_st_name(eco_slice_t st)
{
    if (st.ptr && st.len == 2) {
        unsigned a = (unsigned)(unsigned char)st.ptr[0] - '0', b = (unsigned)(unsigned char)st.ptr[1] - '0';
        if (a < 10 && b < 10) {
            codes_ready();
            unsigned i = st_index[a * 10 + b];
            return i ? st_names[i - 1].name : NULL;
        }
    }
    return eco_hj212_st_name_slow(st);
}

/* ------------------------------------------------------------------ CN, Table 9 */

/* HJ 212-2017 Table 9, the HJ 212-2025 additions (1001 1002 1014 2013 2052
 * 2062 2111 3022 3024 9015; notes §2.2/§4.3, medium confidence: taken from
 * implementations that quote the 2025 text), the HJ/T 212-2005 commands that
 * 2017 removed (alarms; notes §4.1, [S05] medium-low confidence) and the
 * vendor heartbeat 9021. Where a table entry is "取/上传" the command is a
 * platform request and the device's upload alike.
 *
 * Edition conflicts resolved for the current standard: in HJ/T 212-2005 1001
 * was 超限报警时间 (2025 reuses it for the hardware serials), 3013 was 设备操作
 * and 3014 设置采样时间周期; the surface-water profile used 2062–2066 for QC
 * checks (2025: 2062 is 自动标样核查). Sorted by CN. */
static const struct {
    int cn;
    const char *name;
} cn_names[] = {
    {1000, "设置超时时间及重发次数"},
    {1001, "上传数采仪硬件序号"},            /* 2025 (2005: 超限报警时间) */
    {1002, "设置数采仪MN编码"},              /* 2025 */
    {1011, "提取/上传现场机时间"},
    {1012, "设置现场机时间"},
    {1013, "现场机时间校准请求"},
    {1014, "获取/下发新密钥"},               /* 2025: 现场机获取新密钥 / 上位机下发新密钥 */
    {1021, "报警门限（HJ/T 212-2005）"},      /* 2005 only; get/set split unknown */
    {1022, "报警门限（HJ/T 212-2005）"},
    {1031, "上位机地址（HJ/T 212-2005）"},
    {1032, "上位机地址（HJ/T 212-2005）"},
    {1041, "数据上报时间（HJ/T 212-2005）"},
    {1042, "数据上报时间（HJ/T 212-2005）"},
    {1061, "提取/上传实时数据间隔"},
    {1062, "设置实时数据间隔"},
    {1063, "提取/上传分钟数据间隔"},
    {1064, "设置分钟数据间隔"},
    {1072, "设置现场机密码"},
    {2011, "取/上传污染物实时数据"},
    {2012, "停止察看污染物实时数据"},
    {2013, "取/上传原始监测数据"},           /* 2025 (e.g. raw VOC data) */
    {2021, "取/上传设备运行状态数据"},
    {2022, "停止察看设备运行状态"},
    {2031, "取/上传污染物日历史数据"},
    {2041, "取/上传设备运行时间日历史数据"},
    {2051, "取/上传污染物分钟数据"},
    {2052, "噪声单次测量"},                  /* 2025 */
    {2061, "取/上传污染物小时数据"},
    {2062, "自动标样核查(校准)数据"},        /* 2025 */
    {2071, "取/上传报警记录（HJ/T 212-2005）"},
    {2072, "上传报警事件（HJ/T 212-2005）"},
    {2081, "上传数采仪开机时间"},
    {2111, "炉膛温度5分钟均值"},             /* 2025 */
    {3011, "零点校准量程校准"},
    {3012, "即时采样"},
    {3013, "启动清洗/反吹"},
    {3014, "比对采样"},
    {3015, "超标留样"},
    {3016, "设置采样时间周期"},
    {3017, "提取采样时间周期"},
    {3018, "提取出样时间"},
    {3019, "提取设备唯一标识"},
    {3020, "提取现场机信息"},
    {3021, "设置现场机参数"},
    {3022, "下发即时留样任务"},              /* 2025 */
    {3024, "启动标样核查"},                  /* 2025 */
    {9011, "请求应答"},
    {9012, "执行结果"},
    {9013, "通知应答"},
    {9014, "数据应答"},
    {9015, "心跳包"},                        /* 2025 (also an older surface-water profile) */
    {9021, "心跳/登录（厂商扩展，非标准）"}, /* 2005-era vendors, not in any edition */
};

/* The binary search over cn_names (what cn_index holds). Not in hj212.h:
 * the unit test compares the two. */
const char *eco_hj212_cn_name_slow(int cn);
const char *eco_hj212_cn_name_slow(int cn)
{
    /* a binary search whose steps compile to conditional moves: it runs for
     * every packet, and the branches of the usual one are a coin toss each */
    size_t base = 0, n = NELEM(cn_names);
    while (n > 1) {
        size_t half = n / 2;
        base = cn_names[base + half].cn <= cn ? base + half : base;
        n -= half;
    }
    return cn_names[base].cn == cn ? cn_names[base].name : NULL;
}

/* CN -> cn_names index + 1 (0: none), built once with the code hash: the
 * name of the packet's CN is one load. */
static uint8_t cn_index[10000];

const char *eco_hj212_cn_name(int cn)
{
    if (cn < 0 || cn > 9999) return NULL;
    codes_ready();
    unsigned i = cn_index[cn];
    return i ? cn_names[i - 1].name : NULL;
}

static void names_index_init(void)
{
    _Static_assert(NELEM(cn_names) < 255 && NELEM(st_names) < 255, "indexes are bytes");
    for (size_t i = 0; i < NELEM(cn_names); i++) /* sorted: a repeated CN keeps its last entry, as the search */
        if (cn_names[i].cn >= 0 && cn_names[i].cn <= 9999) cn_index[cn_names[i].cn] = (uint8_t)(i + 1);
    for (size_t i = 0; i < NELEM(st_names); i++) {
        unsigned a = (unsigned)(unsigned char)st_names[i].st[0] - '0', b = (unsigned)(unsigned char)st_names[i].st[1] - '0';
        if (a < 10 && b < 10 && st_names[i].st[2] == '\0') st_index[a * 10 + b] = (uint8_t)(i + 1);
    }
}

/* Uploads the platform acknowledges with 9014 when the ack bit is set:
 *   2017: 2011 2021 2031 2041 2051 2061 2081 (Table 9 "上传"; notes §3.1)
 *   2025: 2013 2052 2062 2111
 *   3019 3020: decided YES. They answer a platform request (inside the
 *     9011…9012 flow) but are also pushed spontaneously — 3019 when an
 *     instrument is replaced, 3020 when field information changes — and the
 *     notes' reply table (vectors.md §8) lists them with the uploads. A 9014
 *     to a requested 3019/3020 that asked for a reply is harmless; a missing
 *     one to a spontaneous push makes the DAU resend three times.
 *   2071 2072: HJ/T 212-2005 alarm record / event uploads (removed in 2017,
 *     no later meaning), treated like the other 20xx uploads.
 * Not uploads: responses inside a request flow (1011 1061 1063 3015 3017
 * 3018), requests, notifications (1013, 9015, 9021: answered with 9013) and
 * the 90xx interaction packets. */
int eco_hj212_cn_is_upload(int cn)
{
    switch (cn) {
    case 2011: case 2021: case 2031: case 2041: case 2051: case 2061: case 2081: /* 2017 */
    case 2013: case 2052: case 2062: case 2111:                                  /* 2025 */
    case 3019: case 3020:                                                        /* spontaneous */
    case 2071: case 2072:                                                        /* 2005 */
        return 1;
    default:
        return 0;
    }
}

/* ------------------------------------------------------------------ Tables 6, 7 */

const char *eco_hj212_exertn_name(int v)
{
    switch (v) { /* HJ 212-2017 Table 6 */
    case 1: return "执行成功";
    case 2: return "执行失败，但不知道原因";
    case 3: return "命令请求条件错误";
    case 4: return "通讯超时";
    case 5: return "系统繁忙不能执行";
    case 6: return "系统故障";
    case 100: return "没有数据";
    default: return NULL;
    }
}

const char *eco_hj212_qnrtn_name(int v)
{
    switch (v) { /* HJ 212-2017 Table 7 (the surface-water profile's 9 = busy / 99 = CRC is not followed) */
    case 1: return "准备执行请求";
    case 2: return "请求被拒绝";
    case 3: return "PW 错误";
    case 4: return "MN 错误";
    case 5: return "ST 错误";
    case 6: return "Flag 错误";
    case 7: return "QN 错误";
    case 8: return "CN 错误";
    case 9: return "CRC 校验错误";
    case 100: return "未知错误";
    default: return NULL;
    }
}

/* ------------------------------------------------------------------ data flags, Table 8 */

/* One character, case-sensitive, per edition:
 *   2017: N F M S D C T B
 *   2005: N F(排放源停运, emission source stopped — not the instrument) M S D
 *         C T P(电源故障), and 0 1 2 3 from air-quality stations
 *   2025 and unknown versions: the 2017 table (the 2025 flag table was not
 *         read, notes §8 (c); 2025 may add flags).
 * Multi-letter field flags (St 启炉, Sd 停炉, Md 无数据 ...) and lowercase
 * letters are in no edition's table: NULL, so the parser records a note. */
const char *eco_hj212_data_flag_name(eco_slice_t flag, eco_hj212_edition_t ed)
{
    if (!flag.ptr || flag.len != 1)
        return NULL;
    if (ed == ECO_HJ212_ED_2005) {
        switch (flag.ptr[0]) {
        case 'N': return "正常";
        case 'F': return "排放源停运";
        case 'M': return "维护";
        case 'S': return "设定值";
        case 'D': return "故障";
        case 'C': return "校验";
        case 'T': return "超测上限";
        case 'P': return "电源故障";
        case '0': return "校准数据";
        case '1': return "气象参数";
        case '2': return "异常数据";
        case '3': return "正常数据";
        default: return NULL;
        }
    }
    switch (flag.ptr[0]) {
    case 'N': return "在线监控（监测）仪器仪表工作正常";
    case 'F': return "仪器仪表停运";
    case 'M': return "维护期间产生的数据";
    case 'S': return "手工输入的设定值";
    case 'D': return "仪器仪表故障";
    case 'C': return "处于校准状态";
    case 'T': return "采样数值超过测量上限";
    case 'B': return "仪器仪表与数采仪通讯异常";
    default: return NULL;
    }
}
