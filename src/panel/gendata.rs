//! `jury gen-data`: a realistic synthetic database for scale tests and
//! benchmarks — applications copied from the sample under new names, and
//! prior decisions over real 市州 and county names, several programmes,
//! rounds and years, with varied rationales. Deterministic for a seed.

use crate::domain::*;
use crate::store::Store;

/// Real county-level names per prefecture id (a subset; towns are made by
/// adding a town name).
const COUNTIES: &[(&str, &[&str])] = &[
    ("changsha", &["长沙县", "望城区", "浏阳市", "宁乡县"]),
    ("zhuzhou", &["醴陵市", "攸县", "茶陵县", "炎陵县", "株洲县"]),
    ("xiangtan", &["湘潭县", "湘乡市", "韶山市"]),
    (
        "hengyang",
        &[
            "耒阳市",
            "常宁市",
            "衡阳县",
            "衡南县",
            "衡山县",
            "衡东县",
            "祁东县",
        ],
    ),
    (
        "shaoyang",
        &[
            "邵东县",
            "武冈市",
            "新邵县",
            "隆回县",
            "洞口县",
            "绥宁县",
            "新宁县",
            "城步县",
        ],
    ),
    (
        "yueyang",
        &["汨罗市", "临湘市", "华容县", "湘阴县", "平江县", "岳阳县"],
    ),
    (
        "changde",
        &[
            "津市市",
            "澧县",
            "安乡县",
            "汉寿县",
            "临澧县",
            "桃源县",
            "石门县",
        ],
    ),
    ("zhangjiajie", &["慈利县", "桑植县"]),
    ("yiyang", &["沅江市", "南县", "桃江县", "安化县"]),
    (
        "chenzhou",
        &[
            "资兴市",
            "桂阳县",
            "宜章县",
            "永兴县",
            "嘉禾县",
            "临武县",
            "汝城县",
            "桂东县",
            "安仁县",
        ],
    ),
    (
        "yongzhou",
        &[
            "祁阳县",
            "东安县",
            "双牌县",
            "道县",
            "江永县",
            "宁远县",
            "蓝山县",
            "新田县",
            "江华县",
        ],
    ),
    (
        "huaihua",
        &[
            "洪江市",
            "中方县",
            "沅陵县",
            "辰溪县",
            "溆浦县",
            "会同县",
            "麻阳县",
            "新晃县",
            "芷江县",
            "靖州县",
            "通道县",
        ],
    ),
    ("loudi", &["冷水江市", "涟源市", "双峰县", "新化县"]),
    (
        "xiangxi",
        &[
            "吉首市",
            "泸溪县",
            "凤凰县",
            "花垣县",
            "保靖县",
            "古丈县",
            "永顺县",
            "龙山县",
        ],
    ),
];

const TOWNS: &[&str] = &[
    "城关镇",
    "大桥镇",
    "白沙镇",
    "新塘镇",
    "石门镇",
    "长乐镇",
    "龙潭镇",
    "清水镇",
    "黄土镇",
    "重阳镇",
];
const PROGRAMMES: &[&str] = &[
    "湖南省产城融合示范区",
    "湖南省新型城镇化综合试点",
    "湖南省特色产业小镇",
    "湖南省产城(镇)融合综合试点",
];
const STRENGTHS: &[&str] = &[
    "园区亩均产出居全省同级前列",
    "户籍制度改革落地较早",
    "边界口岸商贸活跃",
    "重大项目库完整、成熟项目多",
    "主要领导任组长,保障有力",
    "文化旅游资源独特",
    "投资完成率超过年度计划",
    "公共服务配套明显改善",
];
const WEAKNESSES: &[&str] = &[
    "项目前期工作不足",
    "投资完成率偏低",
    "改革事项停留在文件层面",
    "镇区人口集聚不足",
    "污水处理设施建设滞后",
    "考核机制需完善",
    "资金来源未落实",
    "多规合一推进缓慢",
];
const GRADES: &[(&str, f64)] = &[
    ("优秀", 90.0),
    ("良好", 75.0),
    ("合格", 60.0),
    ("不合格", 0.0),
];

/// Prior decisions handed to the store at a time.
const BATCH: usize = 10_000;

/// A small deterministic generator (xorshift), so the same seed gives the same database.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Adds `applications` copies of the sample applications (new ids and
/// names, same call) and `decisions` prior decisions. The sample call must
/// be in the database. Returns (applications, decisions) added.
pub fn generate(
    store: &mut Store,
    applications: usize,
    decisions: usize,
    seed: u64,
) -> anyhow::Result<(usize, usize)> {
    let calls = store.calls()?;
    let call = calls.first().ok_or_else(|| {
        anyhow::anyhow!(crate::base::i18n::say(
            "没有通知:请先导入 sample-data(或运行 jury demo --db PATH)",
            "no call: import sample-data first (or run jury demo --db PATH)",
        ))
    })?;
    let templates = store.applications(&call.info.id)?;
    if applications > 0 && templates.is_empty() {
        anyhow::bail!(crate::base::i18n::say(
            "没有可复制的申报:请先导入 sample-data",
            "no applications to copy: import sample-data first",
        ));
    }
    let mut rng = Rng(seed.max(1));
    store.for_bulk_writes()?;
    store.write("gen-data", true, |w| {
        for i in 0..applications {
            let mut app = templates[i % templates.len()].clone();
            let (pref, names) = COUNTIES[rng.below(COUNTIES.len())];
            let county = names[rng.below(names.len())];
            app.name = match app.tier.as_str() {
                "town" => format!("{county}{}", TOWNS[rng.below(TOWNS.len())]),
                _ => county.to_string(),
            };
            app.name_en = String::new();
            app.id = format!("gen-{i:06}");
            app.prefecture = pref.to_string();
            app.region = String::new();
            w.put_application(&app)?;
        }
        // Written in batches: one statement writes many rows (and their
        // audit entries), which a server needs to make a million in a minute.
        let mut batch = Vec::with_capacity(decisions.min(BATCH));
        for i in 0..decisions {
            let (pref, names) = COUNTIES[rng.below(COUNTIES.len())];
            let county = names[rng.below(names.len())];
            let tier = match rng.below(10) {
                0 => "城镇群",
                1..=5 => "县(县级市)",
                _ => "镇",
            };
            let applicant = if tier == "镇" {
                format!("{county}{}", TOWNS[rng.below(TOWNS.len())])
            } else {
                county.to_string()
            };
            // Decisions come in the order they were made, spread evenly
            // over sixteen years (an import of a history comes so too):
            // the store's indexes by date then grow at their end.
            let day = i * 16 * 12 * 28 / decisions.max(1);
            let year = 2008 + (day / (12 * 28)) as i32;
            let assessment = rng.below(3) > 0;
            let score = 45.0 + rng.below(540) as f64 / 10.0;
            let grade = GRADES
                .iter()
                .find(|(_, min)| score >= *min)
                .map(|(g, _)| g.to_string());
            let mut flags = Vec::new();
            if rng.below(5) == 0 {
                flags.push("border_town".to_string());
            }
            if rng.below(8) == 0 {
                flags.push("province_direct".to_string());
            }
            let rationale = format!(
                "{},{};{},{}。",
                STRENGTHS[rng.below(STRENGTHS.len())],
                STRENGTHS[rng.below(STRENGTHS.len())],
                WEAKNESSES[rng.below(WEAKNESSES.len())],
                if assessment {
                    "限期整改"
                } else {
                    "建议跟踪评估"
                }
            );
            let d = PriorDecision {
                id: format!("GEN-{i:07}"),
                programme: PROGRAMMES[rng.below(PROGRAMMES.len())].to_string(),
                round: format!("{year}年度{}", if assessment { "考核" } else { "遴选" }),
                kind: if assessment {
                    RoundKind::Assessment
                } else {
                    RoundKind::Selection
                },
                year,
                decided_on: chrono::NaiveDate::from_ymd_opt(
                    year,
                    1 + (day / 28 % 12) as u32,
                    1 + (day % 28) as u32,
                )
                .expect("valid date"),
                applicant,
                tier: tier.to_string(),
                prefecture: pref.to_string(),
                flags,
                outcome: if assessment {
                    None
                } else {
                    Some([Outcome::Selected, Outcome::Reserve, Outcome::NotSelected][rng.below(3)])
                },
                grade: if assessment { grade } else { None },
                score: Some(score),
                rank: None,
                rationale,
                decided_by: "省产城融合试点评审委员会".into(),
            };
            batch.push(d);
            if batch.len() == BATCH || i + 1 == decisions {
                w.put_prior_decisions(&batch)?;
                batch.clear();
            }
        }
        Ok(())
    })?;
    store.refresh_statistics()?;
    Ok((applications, decisions))
}
