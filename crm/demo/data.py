"""The demo office, as literal data: built from the seed text, plus plausible detail where it is silent.

Conventions used below (the loader turns them into real values):

- Dates are whole days relative to "today": -30 is thirty days ago, 45 is in 45 days, None is empty.
- Partners are referred to by their `key`, users by their key in USERS, agreements and proposals by
  their `key`, contacts by name within their partner. Keys are not stored.
- Times of day are Chongqing time; the loader stores them in UTC like the rest of the app.
- Outcome years are relative to the report year (academic by default) that contains today: -1 is
  the last completed year. The demo records the last three completed years (-3, -2, -1), plus one absolute
  year (2016, the first intake of the Canadian joint programme, as the seed reports it).

The college is Chongqing Industry Polytechnic College (重庆工业职业技术学院); staff e-mails are
@cqipc.edu.cn. The seed's misspellings are corrected: "University Utata Malaysia" is Universiti
Utara Malaysia, "Wales Cymoeed College" / "Cymoed College" is Coleg y Cymoedd, "IVY Tech" is Ivy Tech
Community College and "Homsglen TAFE Institute" is Holmesglen Institute.
"""

COLLEGE_NAME = "Chongqing Industry Polytechnic College"
COLLEGE_LOCAL_NAME = "重庆工业职业技术学院"
COLLEGE_LOCATION = "CQIPC, Yubei campus, Chongqing"

# key: (e-mail, name, role, locale)
USERS = {
    "li": ("liwei@cqipc.edu.cn", "Li Wei 李伟", "staff", "zh_CN"),
    "zhang": ("zhangmin@cqipc.edu.cn", "Zhang Min 张敏", "staff", "en"),
    "wang": ("wangfang@cqipc.edu.cn", "Wang Fang 王芳", "staff", "zh_CN"),
    "chen": ("chenjie@cqipc.edu.cn", "Chen Jie 陈杰", "viewer", "zh_CN"),
}


def contact(name, position, *, department=None, email=None, phone=None, messaging=None,
            language="English", primary=False, active=True, notes=None):
    return {
        "name": name, "position": position, "department": department, "email": email,
        "phone": phone, "messaging": messaging, "preferred_language": language,
        "is_primary": primary, "active": active, "notes": notes,
    }


PARTNERS = [
    # The first partner's name marks the demo as loaded (see loader.demo_is_loaded).
    {
        "key": "bsk",
        "name": "BSK International Education Institute",
        "local_name": None,
        "short_name": "BSK",
        "kind": "other",
        "country": "DE",
        "city": None,
        "website": None,
        "status": "active",
        "owner": "li",
        "tags": ["Study in Germany", "Preparatory programme", "Outbound students"],
        "notes": (
            "German non-profit international education organisation (德国BSK国际教育机构) that "
            "places Chinese vocational graduates at German public universities of applied sciences. "
            "Runs the Sino-German joint preparatory department with us: German, English, mathematics "
            "and physics for students preparing for bachelor's and master's study in Germany. "
            "10 students sent to German universities of applied sciences so far; 15 in the "
            "department now. Postal address and website: see the signed agreement."
        ),
        "contacts": [
            contact("Dr. Thomas Becker", "Programme Director, China",
                    department="BSK University Alliance Programme",
                    phone="+49 171 4382907", language="German", primary=True),
            contact("Zhou Lin 周琳", "China Office Coordinator", phone="+86 139 8362 4417",
                    messaging="WeChat: zhoulin_bsk", language="Chinese",
                    notes="Based in Chengdu; comes to campus about once a month."),
        ],
    },
    {
        "key": "ebg",
        "name": "EBG Germany",
        "local_name": "Europäisches Bildungswerk für Beruf und Gesellschaft",
        "short_name": "EBG",
        "kind": "vocational",
        "country": "DE",
        "city": "Magdeburg",
        "website": "https://www.ebg.de",
        "status": "active",
        "owner": "li",
        "tags": ["AHK", "Certificate training"],
        "notes": (
            "Vocational training provider. CNC and mechatronics training on the German dual model; "
            "students sit the AHK examinations of the German Chamber of Commerce. 173 of our "
            "students have earned AHK qualification certificates. EBG trainers teach two on-site "
            "blocks a year."
        ),
        "contacts": [
            contact("Katrin Schulze", "Head of International Projects",
                    department="International Department", email="k.schulze@ebg.de",
                    phone="+49 391 7336214", language="German", primary=True),
            contact("Michael Hoffmann", "CNC Trainer and AHK Examiner", department="Metal Technology",
                    email="m.hoffmann@ebg.de", phone="+49 391 7336251", language="German"),
        ],
    },
    {
        "key": "ahk",
        "name": "German Chamber of Commerce in China",
        "local_name": "Deutsche Handelskammer in China",
        "short_name": "AHK",
        "kind": "association",
        "country": "CN",
        "city": "Beijing",
        "website": "https://china.ahk.de",
        "status": "active",
        "owner": "li",
        "tags": ["AHK", "Certificate training"],
        "notes": (
            "Examining body for the AHK certificates of the EBG programme; audits our CNC training "
            "centre as an examination site."
        ),
        "contacts": [
            contact("Sun Yue 孙悦", "Project Manager, AHK Examinations (West China)",
                    department="Vocational Education", email="sun.yue@china.ahk.de",
                    phone="+86 138 0831 2209", messaging="WeChat: sunyue_ahk", language="Chinese",
                    primary=True),
            contact("Jan Fischer", "Head of Vocational Training", department="Vocational Education",
                    email="fischer.jan@china.ahk.de", phone="+86 10 6539 6688"),
        ],
    },
    {
        "key": "bmw",
        "name": "BMW AG",
        "local_name": "Bayerische Motoren Werke AG",
        "short_name": "BMW",
        "kind": "company",
        "country": "DE",
        "city": "Munich",
        "website": "https://www.bmwgroup.com",
        "status": "active",
        "owner": "li",
        "tags": ["Germany-China automotive"],
        "notes": (
            "One of the five German manufacturers sponsoring the Germany-China automotive "
            "mechatronics programme (SGAVE) with the Ministry of Education. BMW dealers in the "
            "south-west recruit graduates of the class."
        ),
        "contacts": [
            contact("Liu Yang 刘洋", "Aftersales Training Manager, BMW China",
                    email="liu.yang@bmw.com", phone="+86 10 8455 7320",
                    messaging="WeChat: liuyang_bmwtraining", language="Chinese", primary=True),
        ],
    },
    {
        "key": "mercedes",
        "name": "Mercedes-Benz Group AG",
        "local_name": None,
        "short_name": "Mercedes-Benz",
        "kind": "company",
        "country": "DE",
        "city": "Stuttgart",
        "website": "https://group.mercedes-benz.com",
        "status": "active",
        "owner": "li",
        "tags": ["Germany-China automotive"],
        "notes": "Formerly Daimler AG. SGAVE sponsor; supplies the diagnostics curriculum.",
        "contacts": [
            contact("Stefanie Wagner", "Training Partnerships Manager, Mercedes-Benz China",
                    email="stefanie.wagner@mercedes-benz.com", phone="+86 10 8417 3562",
                    primary=True),
        ],
    },
    {
        "key": "vw",
        "name": "Volkswagen AG",
        "local_name": None,
        "short_name": "VW",
        "kind": "company",
        "country": "DE",
        "city": "Wolfsburg",
        "website": "https://www.volkswagen-group.com",
        "status": "active",
        "owner": "li",
        "tags": ["Germany-China automotive"],
        "notes": "SGAVE sponsor; offers teacher training places at its training centre in Tianjin.",
        "contacts": [
            contact("Ma Jun 马骏", "SGAVE Project Coordinator, Volkswagen Group China",
                    email="jun.ma@volkswagen.de", phone="+86 10 6531 4417",
                    messaging="WeChat: majun_vwgc", language="Chinese", primary=True),
        ],
    },
    {
        "key": "audi",
        "name": "AUDI AG",
        "local_name": None,
        "short_name": "Audi",
        "kind": "company",
        "country": "DE",
        "city": "Ingolstadt",
        "website": "https://www.audi.com",
        "status": "active",
        "owner": "li",
        "tags": ["Germany-China automotive"],
        "notes": "SGAVE sponsor; maintains the high-voltage (electric drive) training module.",
        "contacts": [
            contact("Andreas Keller", "Dealer Training Manager, Audi China",
                    email="andreas.keller@audi.de", phone="+86 10 6531 5120", primary=True),
        ],
    },
    {
        "key": "porsche",
        "name": "Dr. Ing. h.c. F. Porsche AG",
        "local_name": None,
        "short_name": "Porsche",
        "kind": "company",
        "country": "DE",
        "city": "Stuttgart",
        "website": "https://www.porsche.com",
        "status": "active",
        "owner": "li",
        "tags": ["Germany-China automotive"],
        "notes": "SGAVE sponsor; donated a training vehicle for the high-voltage lab.",
        "contacts": [
            contact("Chen Xi 陈曦", "Training Manager, Porsche China", email="xi.chen@porsche.de",
                    phone="+86 21 6036 8855", messaging="WeChat: chenxi_porsche",
                    language="Chinese", primary=True),
        ],
    },
    {
        "key": "holmesglen",
        "name": "Holmesglen Institute",
        "local_name": None,
        "short_name": "Holmesglen",
        "kind": "vocational",
        "country": "AU",
        "city": "Melbourne",
        "website": "https://holmesglen.edu.au",
        "status": "active",
        "owner": "zhang",
        "tags": ["Teacher training", "Outbound students"],
        "notes": (
            "Victorian TAFE institute (Chadstone campus). Vocational-education teacher training: "
            "over 90 of our teachers have earned the Certificate IV in Training and Assessment. "
            "Framework MOU with a teacher-training agreement and study tours under it."
        ),
        "contacts": [
            contact("Sarah Mitchell", "Manager, International Projects",
                    department="Holmesglen International", email="sarah.mitchell@holmesglen.edu.au",
                    phone="+61 3 9564 1823", primary=True),
            contact("David Tran", "Senior Educator, Training and Assessment",
                    department="Faculty of Education", email="david.tran@holmesglen.edu.au",
                    phone="+61 3 9564 1790"),
        ],
    },
    {
        "key": "uum",
        "name": "Universiti Utara Malaysia",
        "local_name": None,
        "short_name": "UUM",
        "kind": "university",
        "country": "MY",
        "city": "Sintok, Kedah",
        "website": "https://www.uum.edu.my",
        "status": "active",
        "owner": "wang",
        "tags": ["Top-up degree", "Belt and Road", "Outbound students"],
        "notes": (
            "Public university (the name is Malay; it is used in English too). Top-up bachelor's "
            "degrees in finance, business and e-commerce for our graduates after credit transfer."
        ),
        "contacts": [
            contact("Dr. Nor Azlina Ismail", "Deputy Director",
                    department="UUM International Affairs Division", email="nor.azlina@uum.edu.my",
                    phone="+60 4-928 4401", primary=True),
            contact("Tan Mei Ling", "Coordinator, China Programmes", department="UUM College of Business",
                    email="tanmeiling@uum.edu.my", phone="+60 12-458 3321",
                    messaging="WeChat: meiling_uum", language="Chinese"),
        ],
    },
    {
        "key": "uthm",
        "name": "Universiti Tun Hussein Onn Malaysia",
        "local_name": None,
        "short_name": "UTHM",
        "kind": "university",
        "country": "MY",
        "city": "Batu Pahat, Johor",
        "website": "https://www.uthm.edu.my",
        "status": "active",
        "owner": "wang",
        "tags": ["Top-up degree", "Belt and Road"],
        "notes": "Technical university. Top-up degree in mechanical and electrical engineering technology.",
        "contacts": [
            contact("Assoc. Prof. Dr. Mohd Faizal Rahman", "Director, International Office",
                    email="faizalr@uthm.edu.my", phone="+60 7-453 7710", primary=True),
        ],
    },
    {
        "key": "segi",
        "name": "SEGi University",
        "local_name": None,
        "short_name": "SEGi",
        "kind": "university",
        "country": "MY",
        "city": "Kota Damansara, Selangor",
        "website": "https://www.segi.edu.my",
        "status": "active",
        "owner": "wang",
        "tags": ["Top-up degree", "Belt and Road"],
        "notes": "Private university. Top-up degree in business and finance approved, awaiting signature.",
        "contacts": [
            contact("Jessica Lim", "Head, China Partnerships", email="jessicalim@segi.edu.my",
                    phone="+60 3-6145 1777", messaging="WeChat: jessica_segi", language="Chinese",
                    primary=True),
            contact("Dr. Ravi Chandran", "Dean, Faculty of Business and Accountancy",
                    email="ravichandran@segi.edu.my", phone="+60 3-6145 1702"),
        ],
    },
    {
        "key": "cymoedd",
        "name": "Coleg y Cymoedd",
        "local_name": None,
        "short_name": "CyC",
        "kind": "college",
        "country": "GB",
        "city": "Nantgarw, Wales",
        "website": "https://www.cymoedd.ac.uk",
        "status": "active",
        "owner": "zhang",
        "tags": ["Inbound students", "Outbound students"],
        "notes": (
            "Further-education college in the South Wales valleys (the Welsh name is the official "
            "one). Student study tours both ways; their engineering students toured our college."
        ),
        "contacts": [
            contact("Rhian Evans", "International Manager", email="rhian.evans@cymoedd.ac.uk",
                    phone="+44 1443 663041", primary=True),
            contact("Gareth Morgan", "Head of Engineering and Automotive",
                    email="gareth.morgan@cymoedd.ac.uk", phone="+44 1443 663112"),
        ],
    },
    {
        "key": "hiroshima",
        "name": "Hiroshima University",
        "local_name": "広島大学",
        "short_name": "Hirodai",
        "kind": "university",
        "country": "JP",
        "city": "Higashi-Hiroshima",
        "website": "https://www.hiroshima-u.ac.jp",
        "status": "active",
        "owner": "wang",
        "tags": ["Inbound students"],
        "notes": "Their students come every summer to study Chinese language and culture.",
        "contacts": [
            contact("Tanaka Yuki 田中由紀", "Associate Professor, Chinese Language Programme",
                    department="Graduate School of Humanities and Social Sciences",
                    email="tanaka-yuki@hiroshima-u.ac.jp", phone="+81 82-424-6321",
                    language="Japanese", primary=True),
            contact("Watanabe Kenji 渡辺健二", "International Exchange Officer",
                    department="International Exchange Group", email="kwatanabe@hiroshima-u.ac.jp",
                    phone="+81 82-424-4546"),
        ],
    },
    {
        "key": "ivytech",
        "name": "Ivy Tech Community College",
        "local_name": None,
        "short_name": "Ivy Tech",
        "kind": "college",
        "country": "US",
        "city": "Indianapolis, Indiana",
        "website": "https://www.ivytech.edu",
        "status": "dormant",
        "owner": "zhang",
        "tags": ["Inbound students"],
        "notes": (
            "Their students came to study international business with us. Study abroad to China "
            "is paused on their side; the exchange agreement was allowed to lapse."
        ),
        "contacts": [
            contact("Jennifer Collins", "Director, Study Abroad", department="Global Initiatives",
                    email="jcollins@ivytech.edu", phone="+1 317-921-4882", primary=True),
            contact("Mark Henderson", "Program Chair, Business Administration",
                    email="mhenderson@ivytech.edu", phone="+1 317-921-4510", active=False,
                    notes="Left Ivy Tech; Jennifer Collins is the only contact now."),
        ],
    },
    {
        "key": "stclair",
        "name": "St. Clair College",
        "local_name": None,
        "short_name": "St. Clair",
        "kind": "college",
        "country": "CA",
        "city": "Windsor, Ontario",
        "website": "https://www.stclaircollege.ca",
        "status": "active",
        "owner": "zhang",
        "tags": ["Joint programme"],
        "notes": (
            "Sino-Canadian dual associate-degree programme in Mechanical Engineering and Finance, "
            "approved in 2015; the first intake of 60 students started in September 2016. "
            "St. Clair sends flying faculty each semester."
        ),
        "contacts": [
            contact("Michelle Tremblay", "Manager, International Partnerships",
                    email="mtremblay@stclaircollege.ca", phone="+1 519-972-2727 ext. 4315",
                    primary=True),
            contact("Wang Hao 王浩", "China Programme Coordinator", email="hwang@stclaircollege.ca",
                    phone="+1 519-972-2727 ext. 4376", messaging="WeChat: wanghao_stc",
                    language="Chinese"),
        ],
    },
    {
        "key": "consortium",
        "name": "Chongqing Vocational Education Consortium for International Cooperation",
        "local_name": "重庆高职教育国际合作联盟",
        "short_name": "CQ Consortium",
        "kind": "association",
        "country": "CN",
        "city": "Chongqing",
        "website": None,
        "status": "active",
        "owner": "wang",
        "tags": ["Belt and Road", "Consortium"],
        "notes": (
            "Non-profit consortium of Chongqing's higher vocational colleges, export-oriented "
            "enterprises and research institutes, guided by the international office of the "
            "Chongqing Municipal Education Commission. We led its founding and are its first "
            "president unit; the secretariat sits in our Department of International Affairs. "
            "Aims: share education resources, serve the Belt and Road strategy, train international "
            "talent, promote research cooperation."
        ),
        "contacts": [
            contact("Huang Lei 黄磊", "Secretary-General", department="Consortium Secretariat (at CQIPC)",
                    email="huanglei@cqipc.edu.cn", phone="+86 23 6718 3321",
                    messaging="WeChat: huanglei_cqvec", language="Chinese", primary=True),
        ],
    },
    {
        "key": "commission",
        "name": "Chongqing Municipal Education Commission",
        "local_name": "重庆市教育委员会",
        "short_name": "CQ Education Commission",
        "kind": "government",
        "country": "CN",
        "city": "Chongqing",
        "website": "https://jw.cq.gov.cn",
        "status": "active",
        "owner": "wang",
        "tags": ["Belt and Road"],
        "notes": (
            "Our supervising authority. Receives the yearly international-cooperation report; "
            "approves Sino-foreign programmes and foreign-expert quotas."
        ),
        "contacts": [
            contact("Deng Hui 邓辉", "Deputy Division Chief",
                    department="International Cooperation and Exchange Division",
                    phone="+86 23 6386 4217", language="Chinese", primary=True),
        ],
    },
    {
        "key": "haui",
        "name": "Hanoi University of Industry",
        "local_name": "Trường Đại học Công nghiệp Hà Nội",
        "short_name": "HaUI",
        "kind": "university",
        "country": "VN",
        "city": "Hanoi",
        "website": "https://www.haui.edu.vn",
        "status": "prospect",
        "owner": "wang",
        "tags": ["Belt and Road", "Inbound students"],
        "notes": "Prospect: met at the China-ASEAN Education Cooperation Week; interested in a Chinese-language summer school.",
        "contacts": [
            contact("Nguyễn Thị Lan", "Deputy Director, International Cooperation",
                    email="lannt@haui.edu.vn", phone="+84 24 3765 5121", primary=True),
            contact("Trần Văn Minh", "Lecturer, Chinese Language", department="Faculty of Foreign Languages",
                    email="minhtv@haui.edu.vn", phone="+84 912 486 337",
                    messaging="WeChat: tranminh_haui", language="Chinese"),
        ],
    },
]


def follow_up(title, due, who, *, done=False, partner=False):
    """A follow-up due `due` days from today; `partner` marks a promise the partner made."""
    return {"title": title, "due": due, "assignee": who, "done": done, "partner_commitment": partner}


AGREEMENTS = [
    # Renewal chain: the first term was renewed by the second.
    {
        "key": "bsk-prep-1",
        "title": "Sino-German joint preparatory department (first term)",
        "kind": "joint_programme",
        "partners": ["bsk"],
        "signed_on": -1490, "valid_from": -1460, "valid_until": -365,
        "notice_days": 120, "owner": "li",
        "subjects": "German (to B2), English, mathematics, physics",
        "yearly_quotas": "Up to 20 students per intake",
        "notes": "First three-year term of the joint preparatory department.",
        "decision": "renewed", "decided_at": -420, "decided_by": "li",
        "decision_reason": "Renewed for a second term with a larger quota and a BSK German teacher on site.",
    },
    {
        "key": "bsk-prep-2",
        "title": "Sino-German joint preparatory department (second term)",
        "kind": "joint_programme",
        "partners": ["bsk"],
        "predecessor": "bsk-prep-1",
        "signed_on": -400, "valid_from": -364, "valid_until": 731,
        "notice_days": 120, "owner": "li",
        "subjects": "German (to B2), English, mathematics, physics; preparation for bachelor's and "
                    "master's study at German universities of applied sciences",
        "yearly_quotas": "Up to 25 students per intake; 1 German-language teacher provided by BSK",
        "notes": "10 students sent to German universities of applied sciences so far; 15 in the department now.",
    },
    {
        "key": "ebg-ahk",
        "title": "CNC and mechatronics training with AHK certification",
        "kind": "certificate_training",
        "partners": ["ebg", "ahk"],
        "signed_on": -1110, "valid_from": -1095, "valid_until": 150,
        "notice_days": 90, "owner": "li",
        "subjects": "CNC machining (AHK Zerspanungsmechaniker/-in); mechatronics (AHK Mechatroniker/-in)",
        "yearly_quotas": "2 classes of up to 30 students; 2 on-site training blocks by EBG trainers",
        "notes": "AHK examinations are held on our campus; the AHK audits the examination site every two years.",
        "follow_ups": [
            follow_up("Decide on the renewal of the EBG training agreement (act-by date)", 60, "li"),
        ],
    },
    {
        "key": "sgave",
        "title": "Germany-China automotive mechatronics programme (SGAVE): pilot school agreement",
        "kind": "joint_programme",
        "partners": ["bmw", "mercedes", "vw", "audi", "porsche"],
        "signed_on": -1180, "valid_from": -1170, "valid_until": 500,
        "notice_days": 180, "auto_renew": True, "owner": "li",
        "subjects": "Automotive mechatronics, three-year programme on the German training system "
                    "and the manufacturers' training resources",
        "yearly_quotas": "One customised class of 30 students per intake",
        "notes": (
            "Sponsored by the Chinese Ministry of Education and five German manufacturers (Audi, "
            "BMW, Mercedes-Benz, Porsche, Volkswagen). Graduates earn technical certificates of the "
            "German automotive industry and are recruited by German carmakers' dealers, e.g. BMW."
        ),
    },
    # A framework MOU with two programme agreements under it.
    {
        "key": "holmesglen-mou",
        "title": "Memorandum of understanding on vocational education cooperation",
        "kind": "mou",
        "partners": ["holmesglen"],
        "signed_on": -1000, "valid_from": -1000, "valid_until": 730,
        "notice_days": 90, "owner": "zhang",
        "subjects": "Teacher training, student study tours, curriculum exchange",
        "notes": "Framework agreement; each programme is signed separately under it.",
    },
    {
        "key": "holmesglen-tae",
        "title": "Teacher training: Certificate IV in Training and Assessment",
        "kind": "teacher_training",
        "partners": ["holmesglen"],
        "parent": "holmesglen-mou",
        "signed_on": -940, "valid_from": -920, "valid_until": 115,
        "notice_days": 30, "owner": "zhang",
        "subjects": "Certificate IV in Training and Assessment (TAE40122)",
        "yearly_quotas": "One cohort of about 30 teachers; 2 Holmesglen assessors on site for 2 weeks",
        "notes": "Over 90 of our teachers certified so far.",
    },
    {
        "key": "holmesglen-tour",
        "title": "Student study tour to Melbourne",
        "kind": "short_visit",
        "partners": ["holmesglen"],
        "parent": "holmesglen-mou",
        "signed_on": -330, "valid_from": -300, "valid_until": -100,
        "notice_days": 30, "owner": "zhang",
        "subjects": "Automotive and hospitality workshops, English for vocational purposes",
        "yearly_quotas": "18 students and 2 accompanying teachers (one tour)",
        "follow_ups": [
            follow_up("File the study-tour expense report with Finance", -90, "zhang", done=True),
        ],
        # A one-off tour: decided to lapse, so that it does not wait in the renewals view.
        "decision": "lapse", "decided_at": -320, "decided_by": "zhang",
        "decision_reason": "A one-off tour; the next one gets its own agreement under the MoU.",
    },
    {
        "key": "uum-topup",
        "title": "Top-up bachelor's degree pathway in finance, business and e-commerce",
        "kind": "top_up",
        "partners": ["uum"],
        "signed_on": -1640, "valid_from": -1620, "valid_until": 200,
        "notice_days": 180, "owner": "wang",
        "subjects": "Finance, business administration, e-commerce",
        "yearly_quotas": "Up to 30 students per year; two years of credit transfer",
        "follow_ups": [
            follow_up("Send UUM the renewal draft before the act-by date", 20, "wang"),
        ],
    },
    {
        "key": "uthm-topup",
        "title": "Top-up degree in mechanical and electrical engineering technology",
        "kind": "top_up",
        "partners": ["uthm"],
        "signed_on": -150, "valid_from": -120, "valid_until": 1705,
        "notice_days": 180, "owner": "wang",
        "subjects": "Mechanical engineering technology, electrical engineering technology",
        "yearly_quotas": "Up to 20 students per year",
    },
    {
        "key": "segi-topup",
        "title": "Top-up degree in business and finance",
        "kind": "top_up",
        "partners": ["segi"],
        "signed_on": None, "valid_from": 60, "valid_until": 1885,
        "notice_days": 90, "owner": "wang",
        "subjects": "Business administration, finance",
        "yearly_quotas": "Up to 25 students per year",
        "notes": "Approved internally; waiting for both signatures.",
    },
    {
        "key": "cymoedd-exchange",
        "title": "Student exchange and study tours",
        "kind": "student_exchange",
        "partners": ["cymoedd"],
        "signed_on": -1140, "valid_from": -1125, "valid_until": -45,
        "notice_days": 90, "owner": "zhang",
        "subjects": "Engineering, automotive technology, culture",
        "yearly_quotas": "Up to 15 students each way",
        "notes": "Lapsed before it was renewed; both sides want to continue.",
        "follow_ups": [
            follow_up("Decide whether to renew or replace the Coleg y Cymoedd agreement", -15, "zhang"),
        ],
    },
    {
        "key": "hiroshima-exchange",
        "title": "Student exchange: Chinese language and culture programme",
        "kind": "student_exchange",
        "partners": ["hiroshima"],
        "signed_on": -1800, "valid_from": -1750, "valid_until": 75,
        "notice_days": 60, "owner": "wang",
        "subjects": "Chinese language, Chinese culture",
        "yearly_quotas": "Up to 15 Hiroshima students per summer",
        "follow_ups": [
            follow_up("Get the president's office to approve the Hiroshima renewal", 10, "wang"),
        ],
    },
    {
        "key": "ivytech-exchange",
        "title": "Student exchange in international business",
        "kind": "student_exchange",
        "partners": ["ivytech"],
        "signed_on": -1300, "valid_from": -1290, "valid_until": -210,
        "notice_days": 90, "owner": "zhang",
        "subjects": "International business, Chinese language",
        "yearly_quotas": "Up to 12 Ivy Tech students per year",
        "decision": "lapse", "decided_at": -230, "decided_by": "zhang",
        "decision_reason": "Ivy Tech paused study abroad to China; agreed to let it lapse and revisit later.",
    },
    {
        "key": "stclair-joint",
        "title": "Sino-Canadian dual associate-degree programme: Mechanical Engineering and Finance",
        "kind": "joint_programme",
        "partners": ["stclair"],
        "signed_on": -1170, "valid_from": -1150, "valid_until": 640,
        "notice_days": 180, "owner": "zhang",
        "subjects": "Mechanical engineering, finance",
        "yearly_quotas": "Up to 60 students per intake (30 per major); 4 St. Clair instructors per year",
        "notes": (
            "Approved in 2015; the first intake of 60 students started in September 2016. This is "
            "the current programme contract."
        ),
    },
    {
        "key": "consortium-membership",
        "title": "Founding membership and president unit of the consortium",
        "kind": "consortium",
        "partners": ["consortium"],
        "signed_on": -2400, "valid_from": -2400, "valid_until": None,
        "notice_days": 90, "owner": "wang",
        "notes": "Open-ended; the president unit rotates only by a vote of the general assembly.",
    },
]


def stage_path(*steps):
    """(stage, days ago, reason) in order, from the first idea to the current stage."""
    return list(steps)


PROPOSALS = [
    {
        "key": "haui-summer",
        "title": "Chinese-language summer school for HaUI students",
        "partner": "haui", "kind": "short_visit", "proposed_by": "us", "owner": "wang",
        "description": "Two-week summer school in Chinese language and Chongqing industry visits "
                       "for about 15 HaUI students, partly funded by city scholarships.",
        "expected_start": 220, "expected_participants": 15,
        "next_step": "Draft a two-week programme and a budget", "next_step_on": 10,
        "path": stage_path(("idea", 20, "First video call: HaUI is keen.")),
    },
    {
        "key": "ivytech-virtual",
        "title": "Virtual exchange in international business with Ivy Tech",
        "partner": "ivytech", "kind": "student_exchange", "proposed_by": "us", "owner": "zhang",
        "description": "Keep the relationship alive while their study abroad is paused: a six-week "
                       "online project pairing their business students with our e-commerce class.",
        "expected_start": 100, "expected_participants": 40,
        "next_step": "Send Ivy Tech a one-page outline", "next_step_on": -21,
        "path": stage_path(("idea", 34, None)),
    },
    {
        "key": "bsk-teachers",
        "title": "Short training stays for our teachers at German universities of applied sciences",
        "partner": "bsk", "kind": "teacher_training", "proposed_by": "partner", "owner": "li",
        "description": "BSK offers three funded places a year for our engineering teachers.",
        "expected_start": 250, "expected_participants": 3,
        "next_step": "Ask the faculties for candidates", "next_step_on": 14,
        "path": stage_path(("idea", 28, "Raised by BSK at the semester review.")),
    },
    {
        "key": "ebg-exam-centre",
        "title": "AHK examination centre for industrial mechanics",
        "partner": "ebg", "kind": "certificate_training", "proposed_by": "partner", "owner": "li",
        "description": "Extend the AHK examination site on our campus to industrial mechanics, "
                       "open to other Chongqing colleges of the consortium.",
        "expected_start": 280, "expected_participants": 60,
        "next_step": "Send the draft to EBG for comments", "next_step_on": -5,
        "path": stage_path(("idea", 120, None), ("drafting", 45, "AHK agreed in principle.")),
    },
    {
        "key": "consortium-asean",
        "title": "Belt and Road training for vocational teachers from ASEAN colleges",
        "partner": "consortium", "kind": "teacher_training", "proposed_by": "us", "owner": "wang",
        "description": "A four-week programme run by consortium members for 20 teachers from "
                       "Malaysian, Thai and Vietnamese vocational colleges.",
        "expected_start": 300, "expected_participants": 20,
        "next_step": "Confirm the budget line with the Education Commission", "next_step_on": 20,
        "path": stage_path(("idea", 160, None), ("drafting", 90, "Secretariat meeting agreed to draft.")),
    },
    {
        "key": "cymoedd-automotive",
        "title": "Two-way student exchange in automotive engineering",
        "partner": "cymoedd", "kind": "student_exchange", "proposed_by": "us", "owner": "zhang",
        "description": "Replace the lapsed general agreement with an automotive exchange: four "
                       "weeks each way, workshops in both colleges.",
        "expected_start": 190, "expected_participants": 20,
        "next_step": "Chase Coleg y Cymoedd for their feedback", "next_step_on": -3,
        "path": stage_path(("idea", 130, None), ("drafting", 118, None),
                           ("submitted", 25, "Sent to Rhian Evans and Gareth Morgan.")),
        "follow_ups": [follow_up("Chase Coleg y Cymoedd for their feedback", -3, "zhang")],
    },
    {
        "key": "stclair-automation",
        "title": "Add Electrical Automation to the dual associate-degree programme",
        "partner": "stclair", "kind": "joint_programme", "proposed_by": "partner", "owner": "zhang",
        "description": "A third major in the joint programme from next September; needs the "
                       "Education Commission's approval as a Sino-foreign programme change.",
        "expected_start": 280, "expected_participants": 30,
        "next_step": "Education Commission expert review", "next_step_on": 20,
        "path": stage_path(("idea", 200, None), ("drafting", 120, None),
                           ("submitted", 64, "Application submitted to the Education Commission.")),
    },
    {
        "key": "holmesglen-cohort",
        "title": "Certificate IV in Training and Assessment: next cohort",
        "partner": "holmesglen", "kind": "teacher_training", "proposed_by": "partner", "owner": "zhang",
        "description": "A further cohort of 30 teachers under a renewed teacher-training agreement.",
        "expected_start": 150, "expected_participants": 30,
        "next_step": "Send Holmesglen our counter-proposal on the fee", "next_step_on": -8,
        "path": stage_path(("idea", 150, None), ("drafting", 120, None), ("submitted", 95, None),
                           ("negotiating", 60, "Holmesglen raised the fee per participant.")),
        "follow_ups": [follow_up("Compare the TAE fee with two other providers", 7, "zhang")],
    },
    {
        "key": "hiroshima-renewal",
        "title": "Renew the Hiroshima exchange as a two-way semester exchange",
        "partner": "hiroshima", "kind": "student_exchange", "proposed_by": "us", "owner": "wang",
        "description": "Keep the summer programme and add one semester a year for up to 4 of our "
                       "students in Higashi-Hiroshima.",
        "expected_start": 280, "expected_participants": 19,
        "next_step": "Send Hiroshima a revised draft", "next_step_on": 5,
        "path": stage_path(("idea", 60, None), ("drafting", 45, None), ("submitted", 30, None),
                           ("negotiating", 5, "Hiroshima wants a tuition waiver clause.")),
    },
    {
        "key": "segi-topup",
        "title": "Top-up degree in business and finance with SEGi University",
        "partner": "segi", "kind": "top_up", "proposed_by": "partner", "owner": "wang",
        "description": "A third Malaysian top-up route, for Finance and Business graduates.",
        "expected_start": 280, "expected_participants": 25,
        "next_step": "President signs; courier two originals to SEGi", "next_step_on": 7,
        "agreement": "segi-topup",
        "path": stage_path(("idea", 240, None), ("drafting", 200, None), ("submitted", 150, None),
                           ("negotiating", 100, None),
                           ("approved", 8, "Approved by the president's office meeting.")),
    },
    {
        "key": "uthm-topup",
        "title": "Top-up degree in engineering technology with UTHM",
        "partner": "uthm", "kind": "top_up", "proposed_by": "us", "owner": "wang",
        "description": "Engineering top-up route for mechatronics and electrical automation graduates.",
        "expected_start": -85, "expected_participants": 20,
        "agreement": "uthm-topup",
        "path": stage_path(("idea", 420, None), ("drafting", 360, None), ("submitted", 300, None),
                           ("negotiating", 240, None), ("approved", 180, None),
                           ("signed", 150, "Signed at the ceremony on campus.")),
    },
    {
        "key": "bmw-class",
        "title": "BMW dealer apprenticeship class",
        "partner": "bmw", "kind": "certificate_training", "proposed_by": "us", "owner": "li",
        "description": "A second automotive class customised for BMW dealers in the south-west.",
        "expected_start": -60, "expected_participants": 30,
        "path": stage_path(("idea", 330, None), ("drafting", 300, None), ("submitted", 280, None),
                           ("declined", 250, "BMW China froze its budget for new pilot classes this "
                                             "year; they suggest reapplying through the SGAVE office.")),
    },
    {
        "key": "uum-masters",
        "title": "Master's in management for our teachers at UUM",
        "partner": "uum", "kind": "teacher_training", "proposed_by": "partner", "owner": "wang",
        "description": "Part-time master's study for 10 teachers, taught partly in Chongqing.",
        "expected_start": -120, "expected_participants": 10,
        "path": stage_path(("idea", 300, None), ("drafting", 270, None),
                           ("withdrawn", 210, "Too few teachers met the English requirement (IELTS "
                                              "6.0), and teacher study funding was capped.")),
    },
]


def interaction(days_ago, at, kind, partner, subject, summary, *, location=None, contacts=(),
                staff=("li",), agreement=None, proposal=None, follow_ups=()):
    """Something that happened `days_ago` days ago at `at` (HH:MM, Chongqing time)."""
    return {
        "days_ago": days_ago, "at": at, "kind": kind, "partner": partner, "subject": subject,
        "summary": summary, "location": location, "contacts": list(contacts), "staff": list(staff),
        "agreement": agreement, "proposal": proposal, "follow_ups": list(follow_ups),
    }


ON_CAMPUS = COLLEGE_LOCATION
MEETING_ROOM = "CQIPC, International Affairs meeting room"

INTERACTIONS = [
    # --- EBG and the AHK ---
    interaction(
        6, "15:00", "video_call", "ebg", "AHK exam dates for the spring CNC class",
        "Katrin confirmed that the AHK final examination for the CNC class can take place in the "
        "second half of May. EBG will send two examiners; we must reserve the CNC workshop for five "
        "days and prepare the blank workpieces. She also asked about renewing the training "
        "agreement, which expires this spring.",
        location="Zoom", contacts=["Katrin Schulze"], staff=["li"], agreement="ebg-ahk",
        follow_ups=[follow_up("Reserve the CNC workshop for the AHK exam week", 8, "li"),
                    follow_up("Send EBG the draft renewal of the training agreement", 20, "li")],
    ),
    interaction(
        70, "09:00", "incoming_visit", "ebg", "EBG trainers' on-site block: PLC and pneumatics",
        "Michael Hoffmann and a colleague taught the PLC and pneumatics module for two weeks in the "
        "Automation building; 41 students attended. The trainers asked for two more Siemens "
        "S7-1500 training stands before the next block.",
        location="CQIPC, Automation training centre", contacts=["Michael Hoffmann"], staff=["li"],
        agreement="ebg-ahk",
        follow_ups=[follow_up("Request budget for two S7-1500 training stands", -40, "li"),
                    follow_up("Send the trainers their teaching certificates", -63, "li", done=True)],
    ),
    interaction(
        240, "16:30", "email", "ebg", "Training plan for the new CNC cohort",
        "EBG sent the training plan for the new CNC cohort: 8 learning fields over three semesters, "
        "with the AHK intermediate exam after the second semester. We accepted it without changes.",
        contacts=["Katrin Schulze"], staff=["li"], agreement="ebg-ahk",
    ),
    interaction(
        110, "10:00", "meeting", "ahk", "AHK 考点复审",
        "德国商会职业教育部孙悦一行到校对数控实训中心进行考点复审。审核通过，但要求补充设备维护记录和考官培训证明。"
        "双方还讨论了明年增加工业机械工考试方向的可能性。",
        location="CQIPC, CNC training centre", contacts=["Sun Yue 孙悦"], staff=["li", "chen"],
        follow_ups=[follow_up("补交设备维护记录和考官培训证明", -89, "li", done=True)],
    ),
    interaction(
        20, "11:20", "email", "ahk", "本学年 AHK 证书寄送",
        "孙悦来邮件确认：本学年通过 AHK 考试的 54 名学生的证书已从北京寄出，预计两周内到达。"
        "证书到达后需由学生本人签收，并把签收表扫描件发回商会。",
        contacts=["Sun Yue 孙悦"], staff=["li"],
        follow_ups=[follow_up("AHK 寄出的 54 份证书到校", -6, "li", partner=True)],
    ),
    interaction(
        4, "14:10", "phone_call", "ahk", "Examiner training in Beijing",
        "Jan Fischer called to invite two of our CNC teachers to the AHK examiner training in "
        "Beijing next month. Places are free; travel is at our cost.",
        contacts=["Jan Fischer"], staff=["li"],
        follow_ups=[follow_up("Nominate two CNC teachers for the AHK examiner training", 10, "li")],
    ),
    # --- BSK ---
    interaction(
        30, "14:00", "meeting", "bsk", "联合预科部学期总结会",
        "与 BSK 中国办公室周琳召开学期总结会。预科部现有 15 名学生，德语 B1 通过率 80%；数学和物理由我校教师授课，"
        "德语由 BSK 外教授课。BSK 建议下学期增加一名德语外教，并提出为我校教师提供赴德短期进修名额。",
        location=MEETING_ROOM, contacts=["Zhou Lin 周琳"], staff=["li", "wang"],
        agreement="bsk-prep-2",
        follow_ups=[follow_up("为新德语外教准备来华工作邀请函", -10, "li"),
                    follow_up("BSK 提供新德语外教简历", -20, "li", done=True, partner=True)],
    ),
    interaction(
        150, "16:00", "video_call", "bsk", "Admissions of this year's preparatory graduates",
        "Dr. Becker reported that four of our preparatory students received admission letters from "
        "German universities of applied sciences (mechanical engineering and electrical "
        "engineering). They need APS certificates before the visa appointments in July.",
        location="Zoom", contacts=["Dr. Thomas Becker", "Zhou Lin 周琳"], staff=["li"],
        agreement="bsk-prep-2",
        follow_ups=[follow_up("Collect the APS certificates of the four admitted students", -136, "li", done=True)],
    ),
    interaction(
        220, "09:30", "outgoing_visit", "bsk", "Visit to partner universities of applied sciences",
        "Our vice-president and Li Wei visited two partner universities of applied sciences with "
        "Dr. Becker and met our former preparatory students, who are doing well in their second "
        "year. The universities asked for more applicants with B2 German.",
        location="Germany", contacts=["Dr. Thomas Becker"], staff=["li"],
    ),
    # --- SGAVE manufacturers ---
    interaction(
        45, "10:00", "meeting", "bmw", "SGAVE class: graduates and internships with BMW China",
        "刘洋来校参加中德汽车机电项目总结会。上一届 30 名学生中 28 人获得德国汽车行业技术证书，其中 12 人已在 BMW "
        "经销商就业。BMW 经销商希望新一届学生第三学年到店实习，需要我方在一个月内提供学生名单和实习意向。",
        location="CQIPC, Vehicle Engineering building", contacts=["Liu Yang 刘洋"], staff=["li"],
        agreement="sgave",
        follow_ups=[follow_up("向 BMW 提供新一届实习学生名单", -30, "li")],
    ),
    interaction(
        250, "15:30", "phone_call", "bmw", "Answer on the dealer apprenticeship class",
        "Liu Yang called to say BMW China will not fund a second customised class this year; "
        "the budget for new pilot classes is frozen. He suggested we reapply through the SGAVE "
        "project office next year.",
        contacts=["Liu Yang 刘洋"], staff=["li"], proposal="bmw-class",
    ),
    interaction(
        95, "09:00", "event", "mercedes", "SGAVE annual conference of pilot schools",
        "Attended the annual SGAVE conference in Beijing. Mercedes-Benz presented the updated "
        "diagnostics curriculum; pilot schools must switch to it from next September. Good contact "
        "with the other pilot colleges in the south-west.",
        location="Beijing", contacts=["Stefanie Wagner"], staff=["li", "chen"], agreement="sgave",
        follow_ups=[follow_up("Circulate the new diagnostics curriculum to the Vehicle Engineering faculty", -80, "li", done=True)],
    ),
    interaction(
        19, "13:45", "email", "mercedes", "Loan of diagnostic equipment",
        "Stefanie Wagner confirmed that Mercedes-Benz China will lend two XENTRY diagnosis kits for "
        "the new curriculum. They will ship once we return the signed loan agreement.",
        contacts=["Stefanie Wagner"], staff=["li"], agreement="sgave",
        follow_ups=[follow_up("Return the signed equipment loan agreement", -12, "li"),
                    follow_up("Mercedes-Benz ships the two diagnosis kits", 15, "li", partner=True)],
    ),
    interaction(
        12, "10:30", "phone_call", "vw", "大众天津培训中心教师培训名额",
        "马骏来电：大众中国明年在天津培训中心为每所试点院校提供两个教师培训名额（电驱动方向，两周），需在月底前报名。",
        contacts=["Ma Jun 马骏"], staff=["li"], agreement="sgave",
        follow_ups=[follow_up("报名大众天津培训中心教师培训（2 人）", -2, "li")],
    ),
    interaction(
        180, "17:00", "email", "audi", "High-voltage module update",
        "Andreas Keller sent the updated high-voltage safety module with new assessment sheets. "
        "Our teachers must hold the HV level 2 qualification before teaching it.",
        contacts=["Andreas Keller"], staff=["li"], agreement="sgave",
        follow_ups=[follow_up("Check which teachers hold the HV level 2 qualification", -160, "li", done=True)],
    ),
    interaction(
        260, "11:00", "video_call", "porsche", "Training vehicle for the high-voltage lab",
        "陈曦确认保时捷中国将捐赠一台用于教学的电动车解剖车，用于高压实训室。我方需提供场地照片和安全规范。",
        location="Tencent Meeting", contacts=["Chen Xi 陈曦"], staff=["li"], agreement="sgave",
        follow_ups=[follow_up("保时捷安排车辆运输", -200, "li", done=True, partner=True)],
    ),
    # --- Holmesglen ---
    interaction(
        55, "09:00", "incoming_visit", "holmesglen", "TAE assessment week",
        "Sarah Mitchell and David Tran ran the final assessments for the Certificate IV in Training "
        "and Assessment. 30 of our teachers were assessed competent; Holmesglen will issue the "
        "certificates within six weeks. They would like to discuss a further cohort.",
        location=ON_CAMPUS, contacts=["Sarah Mitchell", "David Tran"], staff=["zhang", "chen"],
        agreement="holmesglen-tae",
        follow_ups=[follow_up("Holmesglen issues the 30 TAE certificates", -13, "zhang", partner=True),
                    follow_up("List the teachers for the next cohort", -25, "zhang", done=True)],
    ),
    interaction(
        15, "08:30", "video_call", "holmesglen", "Next TAE cohort and renewal",
        "Discussed the next cohort under a renewed teacher-training agreement. Holmesglen proposed a "
        "higher fee per participant because of the on-site weeks; we said we would answer with a "
        "counter-proposal. Renewal must be decided before the act-by date.",
        location="Microsoft Teams", contacts=["Sarah Mitchell"], staff=["zhang"],
        proposal="holmesglen-cohort",
        follow_ups=[follow_up("Send Holmesglen our counter-proposal on the fee", -8, "zhang")],
    ),
    interaction(
        200, "10:00", "outgoing_visit", "holmesglen", "Student study tour to Melbourne",
        "18 students and two teachers spent two weeks at Holmesglen's Chadstone campus: automotive "
        "and hospitality workshops and English for vocational purposes. Very good feedback; "
        "Holmesglen offered to host a tour every year.",
        location="Melbourne", contacts=["Sarah Mitchell"], staff=["zhang"], agreement="holmesglen-tour",
    ),
    interaction(
        300, "15:00", "email", "holmesglen", "Study tour programme and insurance",
        "Sarah sent the draft study-tour programme and asked for the students' passport copies and "
        "proof of overseas student health cover.",
        contacts=["Sarah Mitchell"], staff=["zhang"], agreement="holmesglen-tour",
        follow_ups=[follow_up("Send passport copies and insurance certificates", -290, "zhang", done=True)],
    ),
    interaction(
        340, "07:30", "phone_call", "holmesglen", "Start of the TAE cohort",
        "David Tran called to confirm the online units of the TAE cohort start next Monday and that "
        "our teachers' accounts are active.",
        contacts=["David Tran"], staff=["zhang"], agreement="holmesglen-tae",
    ),
    # --- Malaysia ---
    interaction(
        25, "10:00", "video_call", "uum", "Top-up admissions for the next intake",
        "Dr. Nor Azlina confirmed that UUM will consider 18 of our Finance and E-commerce graduates "
        "for the next intake and will send conditional offers after reviewing transcripts. Our "
        "top-up agreement enters its renewal window; she asked for our draft soon.",
        location="Zoom", contacts=["Dr. Nor Azlina Ismail", "Tan Mei Ling"], staff=["wang"],
        agreement="uum-topup",
        follow_ups=[follow_up("Send UUM the transcripts of the 18 applicants", -18, "wang", done=True),
                    follow_up("UUM sends conditional offer letters", 5, "wang", partner=True)],
    ),
    interaction(
        3, "16:20", "phone_call", "uum", "学生宿舍问题",
        "一名在 UUM 攻读专升本的学生反映宿舍调换问题。已联系陈美玲（Tan Mei Ling），她当天协调解决，学生已入住新宿舍。",
        contacts=["Tan Mei Ling"], staff=["wang"],
    ),
    interaction(
        140, "09:00", "outgoing_visit", "uum", "赴 UUM 看望专升本学生",
        "王芳随校领导访问 UUM，看望在读的 15 名专升本学生，并与商学院讨论增设电子商务方向。学生普遍反映英语授课适应较快。",
        location="Sintok, Kedah", contacts=["Dr. Nor Azlina Ismail", "Tan Mei Ling"], staff=["wang"],
        agreement="uum-topup",
    ),
    interaction(
        330, "11:00", "email", "uum", "Transcripts for top-up applicants",
        "Tan Mei Ling asked for certified English transcripts of this year's applicants by the end "
        "of the month.",
        contacts=["Tan Mei Ling"], staff=["wang"], agreement="uum-topup",
        follow_ups=[follow_up("Send certified transcripts to UUM", -315, "wang", done=True)],
    ),
    interaction(
        150, "10:30", "meeting", "uthm", "Signing of the UTHM top-up agreement",
        "UTHM's international office director came to sign the top-up agreement for mechanical and "
        "electrical engineering technology. The first students can transfer next September.",
        location=ON_CAMPUS, contacts=["Assoc. Prof. Dr. Mohd Faizal Rahman"], staff=["wang", "li"],
        agreement="uthm-topup", proposal="uthm-topup",
    ),
    interaction(
        60, "15:40", "email", "uthm", "Credit-transfer table for mechatronics graduates",
        "Dr. Faizal promised the course-by-course credit-transfer table for our mechatronics "
        "graduates within three weeks, so students can plan their last semester.",
        contacts=["Assoc. Prof. Dr. Mohd Faizal Rahman"], staff=["wang"], agreement="uthm-topup",
        follow_ups=[follow_up("UTHM sends the credit-transfer table", -39, "wang", partner=True)],
    ),
    interaction(
        10, "14:00", "video_call", "segi", "SEGi top-up agreement: final text",
        "与 SEGi 的 Jessica Lim 和 Ravi Chandran 院长确认协议最终文本：学分转换两年、每年最多 25 人、学费按年度调整。"
        "我方协议已获校长办公会批准，待校长签字后寄出两份原件。",
        location="Tencent Meeting", contacts=["Jessica Lim", "Dr. Ravi Chandran"], staff=["wang"],
        proposal="segi-topup",
        follow_ups=[follow_up("校长签署 SEGi 协议并寄出原件", -3, "wang")],
    ),
    interaction(
        80, "09:30", "incoming_visit", "segi", "SEGi 代表团来访",
        "SEGi 大学代表团一行三人来访，参观经济与管理学院，并向金融专业学生介绍专升本项目，约 60 名学生参加宣讲会。",
        location=ON_CAMPUS, contacts=["Jessica Lim"], staff=["wang", "chen"], proposal="segi-topup",
    ),
    # --- Wales ---
    interaction(
        40, "17:30", "email", "cymoedd", "The exchange agreement has lapsed",
        "We noticed that the exchange agreement expired without renewal. Rhian replied that "
        "Coleg y Cymoedd wants to continue and would prefer a new agreement focused on automotive "
        "engineering.",
        contacts=["Rhian Evans"], staff=["zhang"], agreement="cymoedd-exchange",
    ),
    interaction(
        120, "16:00", "video_call", "cymoedd", "Automotive exchange idea",
        "Gareth Morgan proposed a four-week exchange in automotive engineering each way. We agreed to "
        "draft a proposal; they will check funding through the Taith programme.",
        location="Microsoft Teams", contacts=["Gareth Morgan", "Rhian Evans"], staff=["zhang"],
        proposal="cymoedd-automotive",
        follow_ups=[follow_up("Coleg y Cymoedd checks Taith funding", -90, "zhang", done=True, partner=True)],
    ),
    interaction(
        235, "09:00", "incoming_visit", "cymoedd", "Welsh students' study tour",
        "12 engineering students and two staff from Coleg y Cymoedd spent a week with us: "
        "workshops in the vehicle and CNC training centres, Chinese language classes and a visit "
        "to a car plant in Liangjiang.",
        location=ON_CAMPUS, contacts=["Gareth Morgan"], staff=["zhang", "chen"],
        agreement="cymoedd-exchange",
    ),
    # --- Japan ---
    interaction(
        5, "13:00", "video_call", "hiroshima", "Renewal of the exchange agreement",
        "田中先生和渡边先生同意续签交流协议，并希望增加每年一个学期的双向交换。日方提出增加互免学费条款，需我方评估。",
        location="Zoom", contacts=["Tanaka Yuki 田中由紀", "Watanabe Kenji 渡辺健二"], staff=["wang"],
        agreement="hiroshima-exchange", proposal="hiroshima-renewal",
        follow_ups=[follow_up("Send Hiroshima a revised draft with a tuition waiver clause", 5, "wang")],
    ),
    interaction(
        120, "09:00", "incoming_visit", "hiroshima", "Summer programme: Chinese language and culture",
        "12 Hiroshima University students completed the two-week Chinese language and culture "
        "programme: language classes in the morning, calligraphy, Sichuan opera and company visits "
        "in the afternoon. Professor Tanaka accompanied them.",
        location=ON_CAMPUS, contacts=["Tanaka Yuki 田中由紀"], staff=["wang", "chen"],
        agreement="hiroshima-exchange",
    ),
    interaction(
        190, "10:10", "email", "hiroshima", "Accommodation and insurance for the summer programme",
        "Watanabe-san sent the list of participants and asked us to confirm accommodation in the "
        "international students' residence and the insurance cover.",
        contacts=["Watanabe Kenji 渡辺健二"], staff=["wang"], agreement="hiroshima-exchange",
        follow_ups=[follow_up("Confirm residence rooms and insurance to Hiroshima", -180, "wang", done=True)],
    ),
    # --- USA ---
    interaction(
        232, "22:00", "email", "ivytech", "Ivy Tech pauses study abroad to China",
        "Jennifer Collins wrote that Ivy Tech will not run its study abroad programme to China next "
        "year. Both sides agreed to let the exchange agreement lapse and talk again later.",
        contacts=["Jennifer Collins"], staff=["zhang"], agreement="ivytech-exchange",
    ),
    interaction(
        35, "21:00", "video_call", "ivytech", "Exploring a virtual exchange",
        "Talked with Jennifer Collins about a six-week online project between their business "
        "students and our e-commerce class to keep the relationship alive. She liked the idea and "
        "asked for a one-page outline.",
        location="Zoom", contacts=["Jennifer Collins"], staff=["zhang"], proposal="ivytech-virtual",
        follow_ups=[follow_up("Send Ivy Tech a one-page outline of the virtual exchange", -21, "zhang")],
    ),
    # --- Canada ---
    interaction(
        18, "09:00", "video_call", "stclair", "Teaching plan for next semester",
        "Michelle Tremblay and Wang Hao went through next semester's teaching plan for the joint "
        "programme: St. Clair will send two flying faculty for the mechanical courses in March; "
        "finance courses stay online with local co-teachers.",
        location="Zoom", contacts=["Michelle Tremblay", "Wang Hao 王浩"], staff=["zhang"],
        agreement="stclair-joint",
        follow_ups=[follow_up("St. Clair confirms the two flying faculty", 3, "zhang", partner=True),
                    follow_up("Apply for the flying faculty's work permits", 30, "zhang")],
    ),
    interaction(
        75, "08:30", "incoming_visit", "stclair", "Flying faculty start of semester",
        "两名圣克莱尔学院教师抵校，为机械工程方向 58 名学生讲授液压与气动、工程制图课程，为期六周。已安排公寓和教学助理。",
        location=ON_CAMPUS, contacts=["Wang Hao 王浩"], staff=["zhang"], agreement="stclair-joint",
    ),
    interaction(
        64, "10:00", "email", "stclair", "Application for Electrical Automation",
        "Sent the application to add Electrical Automation to the joint programme to the Education "
        "Commission, with St. Clair's curriculum and teacher list attached.",
        contacts=["Michelle Tremblay"], staff=["zhang"], proposal="stclair-automation",
    ),
    interaction(
        270, "14:00", "meeting", "stclair", "Joint management committee",
        "Annual joint management committee of the dual associate-degree programme, held on campus. "
        "Reviewed pass rates (91% mechanical, 94% finance), agreed to add an English bridging "
        "course in the first semester.",
        location=MEETING_ROOM, contacts=["Michelle Tremblay", "Wang Hao 王浩"], staff=["zhang", "li"],
        agreement="stclair-joint",
        follow_ups=[follow_up("Add the English bridging course to the first-semester timetable", -240, "zhang", done=True)],
    ),
    # --- Chongqing ---
    interaction(
        50, "09:00", "event", "consortium", "联盟年会",
        "重庆高职教育国际合作联盟年会在我校召开，34 所成员单位参加。会议通过了新一年工作计划，"
        "重点是面向东盟的职业教育教师培训和留学生联合招生。",
        location="CQIPC, Academic lecture hall", contacts=["Huang Lei 黄磊"], staff=["wang", "li", "chen"],
        agreement="consortium-membership",
        follow_ups=[follow_up("整理年会纪要并报市教委国际处", -43, "wang", done=True)],
    ),
    interaction(
        160, "14:30", "meeting", "consortium", "秘书处会议：东盟教师培训项目",
        "秘书处讨论面向东盟职业院校的教师培训项目，初步确定四周、20 人的规模，由成员院校分担课程。需先落实经费来源。",
        location=MEETING_ROOM, contacts=["Huang Lei 黄磊"], staff=["wang"], proposal="consortium-asean",
    ),
    interaction(
        320, "10:00", "other", "consortium", "Consortium annual report compiled",
        "The secretariat compiled the consortium's annual report: member projects, incoming and "
        "outgoing delegations, and foreign students recruited jointly. Sent to all members for "
        "comments before submission to the Education Commission.",
        contacts=["Huang Lei 黄磊"], staff=["wang"],
    ),
    interaction(
        28, "15:00", "meeting", "commission", "年度国际合作交流统计报送",
        "市教委国际处邓辉副处长召集各高职院校，要求于 12 月底前报送年度国际合作与交流统计（派出与接收学生、"
        "教师培训、证书、外籍专家、团组）。今年增加按合作伙伴和国别的分项统计。",
        location="Chongqing Municipal Education Commission", contacts=["Deng Hui 邓辉"], staff=["wang"],
        follow_ups=[follow_up("报送年度国际合作与交流统计", 12, "wang")],
    ),
    interaction(
        100, "11:00", "phone_call", "commission", "Foreign expert quota",
        "Deng Hui confirmed our foreign-expert quota for the coming year: 8 long-term and 20 "
        "short-term experts, enough for St. Clair, EBG and Holmesglen.",
        contacts=["Deng Hui 邓辉"], staff=["wang"],
        follow_ups=[follow_up("Share the expert quota with the faculties", -95, "wang", done=True)],
    ),
    interaction(
        210, "09:00", "event", "commission", "中外合作办学项目洽谈会",
        "参加市教委主办的职业教育中外合作办学项目洽谈会，与英国、澳大利亚、加拿大等国 20 余家机构交流，"
        "收集了 6 家机构的合作意向。",
        location="Chongqing", contacts=["Deng Hui 邓辉"], staff=["wang", "zhang"],
    ),
    # --- Vietnam (prospect) ---
    interaction(
        130, "10:00", "event", "haui", "Met HaUI at the China-ASEAN Education Cooperation Week",
        "Met Ms Nguyễn Thị Lan at the China-ASEAN Education Cooperation Week in Guiyang. HaUI has "
        "a growing Chinese-language programme and is looking for a summer school in China.",
        location="Guiyang", contacts=["Nguyễn Thị Lan"], staff=["wang"],
        follow_ups=[follow_up("Send HaUI our brochure and the city scholarship rules", -120, "wang", done=True)],
    ),
    interaction(
        22, "15:00", "video_call", "haui", "First call with Hanoi University of Industry",
        "与河内工业大学阮氏兰副主任和陈文明老师首次视频会谈。对方希望明年暑期派 15 名学生来学习汉语并参观企业，"
        "询问奖学金和住宿安排。双方同意先以夏令营开始合作。",
        location="Zoom", contacts=["Nguyễn Thị Lan", "Trần Văn Minh"], staff=["wang"],
        proposal="haui-summer",
        follow_ups=[follow_up("HaUI proposes dates for a visit to Chongqing", 8, "wang", partner=True)],
    ),
]


def outcome(year, note, detail=None, **counts):
    """`year`: relative to the current report year (-1 = last completed), or absolute if > 1900.

    Each keyword is a category of crm/outcomes/models.py: OutcomeCategory with its count; the
    loader makes one outcome row per count. `detail`: {category: detail text} where it matters.
    """
    return {"year": year, "note": note, "counts": counts, "detail": detail or {}}


# Keyed by agreement key, or by "partner:<key>" for an outcome recorded against a partner only.
# The three recent years add up to the seed's figures: 173 AHK certificates with EBG, 92 teachers
# certified with Holmesglen, 10 students sent to German universities of applied sciences with BSK
# and 15 learning, the 30-student automotive class, 60 students in the Canadian joint programme
# (2016), 412 teachers trained in 31 programmes with 9 international qualifications, 62 foreign
# teachers and experts hosted, 42 teachers and managers sent.
OUTCOMES = {
    "ebg-ahk": [
        outcome(-3, "AHK certificates in CNC machining and mechatronics; 2 EBG trainer blocks.",
                {"certificates_earned": "AHK (German Chamber of Commerce), students"},
                certificates_earned=58, experts_hosted=3, teachers_trained=45, training_programmes=3,
                qualifications=2),
        outcome(-2, "AHK certificates; EBG examiners on site for the final exams.",
                {"certificates_earned": "AHK (German Chamber of Commerce), students"},
                certificates_earned=61, experts_hosted=3, teachers_trained=48, training_programmes=3),
        outcome(-1, "AHK certificates (54 passed of 57 candidates); 173 certified in total.",
                {"certificates_earned": "AHK (German Chamber of Commerce), students", "staff_sent": "industry"},
                certificates_earned=54, experts_hosted=4, teachers_trained=50, training_programmes=4,
                staff_sent=6),
    ],
    "holmesglen-tae": [
        outcome(-3, "Certificate IV in Training and Assessment, first cohort.",
                {"certificates_earned": "TAFE, teachers"},
                teachers_trained=30, certificates_earned=30, experts_hosted=2, delegations_received=1,
                training_programmes=3, qualifications=1),
        outcome(-2, "Second cohort; two teachers completed the missing unit the following year.",
                {"certificates_earned": "TAFE, teachers"},
                teachers_trained=32, certificates_earned=32, experts_hosted=2, delegations_received=1,
                training_programmes=3),
        outcome(-1, "Third cohort; over 90 teachers certified in total.",
                {"certificates_earned": "TAFE, teachers"},
                teachers_trained=30, certificates_earned=30, experts_hosted=2, delegations_received=1,
                training_programmes=3),
    ],
    "holmesglen-tour": [
        outcome(-1, "Two-week study tour to Melbourne.", {"outbound_students": "short visit / study tour"},
                outbound_students=18, delegations_sent=1),
    ],
    "bsk-prep-1": [
        outcome(-3, "Preparatory graduates admitted to German universities of applied sciences.",
                {"outbound_students": "degree study"}, outbound_students=3, experts_hosted=3),
        outcome(-2, "Admitted to German universities of applied sciences.",
                {"outbound_students": "degree study"}, outbound_students=3, experts_hosted=3, delegations_sent=1),
    ],
    "bsk-prep-2": [
        outcome(-1, "Four admitted; 10 sent in total, 15 in the department now.",
                {"outbound_students": "degree study", "joint_programme_students": "German preparatory class"},
                outbound_students=4, experts_hosted=3, joint_programme_students=15),
    ],
    "sgave": [
        outcome(-3, "Customised SGAVE class of 30 enrolled (three-year programme; counted once, "
                    "in the year of enrolment).", {"joint_programme_students": "automotive mechatronics"},
                joint_programme_students=30, teachers_trained=24, training_programmes=2, qualifications=2),
        outcome(-2, "Manufacturer trainers on site for the diagnostics and HV modules.",
                experts_hosted=2, teachers_trained=26, training_programmes=2),
        outcome(-1, "Final-year certificates of the German automotive industry: 28 of 30.",
                {"certificates_earned": "German automotive industry, students"},
                certificates_earned=28, delegations_sent=1, teachers_trained=28, training_programmes=2),
    ],
    # No typed "delegations received" for St. Clair: its partner page would count delegations that
    # its visits (来访, the records of delegations) do not show.
    "stclair-joint": [
        outcome(-3, "Intake of the year (mechanical engineering and finance).",
                joint_programme_students=58, experts_hosted=6, teachers_trained=12,
                training_programmes=1, qualifications=1),
        outcome(-2, "Intake of the year.", joint_programme_students=62, experts_hosted=5, teachers_trained=12,
                training_programmes=1),
        outcome(-1, "Intake of the year.", joint_programme_students=60, experts_hosted=6,
                teachers_trained=13, training_programmes=1),
    ],
    "partner:stclair": [
        outcome(2016, "First intake of the dual associate-degree programme, September 2016: "
                      "60 students (Mechanical Engineering and Finance).", joint_programme_students=60),
    ],
    "partner:commission": [
        outcome(-3, "Teachers and managers on the Commission's programmes abroad.", {"staff_sent": "municipal"},
                staff_sent=5),
        outcome(-2, "Teachers and managers on the Commission's programmes abroad.", {"staff_sent": "municipal"},
                staff_sent=6),
        outcome(-1, "Teachers and managers on the Commission's and the Ministry's programmes abroad.",
                {"staff_sent": "Ministry of Education, municipal"}, staff_sent=7),
    ],
    "uum-topup": [
        outcome(-3, "Top-up students transferred to UUM.", {"outbound_students": "degree study"}, outbound_students=12),
        outcome(-2, "Top-up students transferred to UUM.", {"outbound_students": "degree study"}, outbound_students=15),
        outcome(-1, "Top-up students transferred to UUM; visit by our delegation.",
                {"outbound_students": "degree study"}, outbound_students=18, delegations_sent=1),
    ],
    "hiroshima-exchange": [
        outcome(-3, "Summer programme in Chinese language and culture.", {"inbound_students": "summer programme"},
                inbound_students=8, delegations_received=1, experts_hosted=2),
        outcome(-2, "Summer programme.", {"inbound_students": "summer programme"}, inbound_students=10,
                delegations_received=1, experts_hosted=2),
        outcome(-1, "Summer programme, accompanied by Professor Tanaka.", {"inbound_students": "summer programme"},
                inbound_students=12, delegations_received=1, experts_hosted=2),
    ],
    "ivytech-exchange": [
        outcome(-3, "Students of international business, one semester.", {"inbound_students": "exchange semester"},
                inbound_students=9),
        outcome(-2, "Last group before Ivy Tech paused study abroad to China.", {"inbound_students": "exchange semester"},
                inbound_students=7),
    ],
    "cymoedd-exchange": [
        outcome(-3, "Study tour to Wales.", {"outbound_students": "short visit / study tour"},
                outbound_students=8, delegations_sent=1, experts_hosted=2, qualifications=1),
        outcome(-1, "Welsh engineering students' study tour to Chongqing.", {"inbound_students": "study tour"},
                inbound_students=12, delegations_received=1, experts_hosted=3),
    ],
    "consortium-membership": [
        outcome(-2, "Consortium delegations led by us; incoming delegations hosted for members.",
                {"staff_sent": "partner"}, delegations_sent=1, delegations_received=3, teachers_trained=30,
                training_programmes=1, qualifications=2, experts_hosted=3, staff_sent=8),
        outcome(-1, "Consortium delegations to Malaysia and Vietnam; incoming delegations hosted.",
                {"staff_sent": "partner"}, delegations_sent=2, delegations_received=5, teachers_trained=32,
                training_programmes=2, experts_hosted=4, staff_sent=10),
    ],
}

# The college's schools (二级学院): key: (Chinese name, English name). Their liaisons report outcomes.
SCHOOLS = {
    "mech": ("机械工程学院", "School of Mechanical Engineering"),
    "auto": ("车辆工程学院", "School of Automotive Engineering"),
    "elec": ("电子信息学院", "School of Electronic Information"),
    "econ": ("经济管理学院", "School of Economics and Management"),
    "intl": ("国际教育学院", "School of International Education"),
}

# Which school an agreement's (or partner's) outcomes belong to; the others belong to no school.
OUTCOME_SCHOOLS = {
    "ebg-ahk": "mech", "sgave": "auto", "cymoedd-exchange": "auto", "stclair-joint": "econ", "partner:stclair": "econ",
    "uum-topup": "econ", "ivytech-exchange": "econ", "bsk-prep-1": "intl", "bsk-prep-2": "intl",
    "hiroshima-exchange": "intl", "holmesglen-tae": "intl", "holmesglen-tour": "intl",
}

# Structured quotas: agreement key → {category: per year}. Some deliver less than half.
QUOTAS = {
    "ebg-ahk": {"certificates_earned": 60},
    "holmesglen-tae": {"teachers_trained": 30},
    "stclair-joint": {"joint_programme_students": 60},
    "uum-topup": {"outbound_students": 30},
    "segi-topup": {"outbound_students": 25},
    "ivytech-exchange": {"inbound_students": 12},
    "hiroshima-exchange": {"inbound_students": 15},
}

# Quantities of the 国际影响表 for the last completed year (the loader adds the usual rows for it):
# (subject: agreement key, "partner:<key>" or None, indicator code, count, note, school key).
INFLUENCE_OUTCOMES = [
    ("hiroshima-exchange", "intl_training_part_time", 168, "12 students × 14 days of the summer programme.", "intl"),
    ("sgave", "teacher_training_abroad", 120, "8 teachers × 15 days training at the German partners' plants.", "auto"),
    ("partner:consortium", "teacher_office_abroad", 3, "Teachers on the boards of ASEAN vocational associations.", "mech"),
    (None, "teaching_standards_adopted", 2, "CNC and mechatronics programme standards adopted by a Thai college.", "mech"),
    (None, "course_standards_adopted", 5, "Course standards adopted by the same college.", "mech"),
    (None, "skills_competition_awards", 4, "Awards at the ASEAN skills competition.", "auto"),
]
