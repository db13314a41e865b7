"""Chinese characters written in other forms, folded for search: a Japanese partner's name in
shinjitai (広島大学, 東京) or a name in traditional characters (國立臺灣大學) is found by the
simplified form people type here (广岛, 东京, 台湾), and the other way round.

The partner search documents and the words looked for in them are both folded
(crm/partners/search_index.py: `_lines` and `_needle`), one character for one character, so that
every part of a name folds as the whole name does and the short grams stay aligned.

An explicit table rather than a converter package (OpenCC, zhconv): those convert by phrases as
well as characters, so a word searched alone could fold otherwise than inside a name, and a
match would be missed; hanziconv folds by character but knows no Japanese forms. The table
holds the forms common in partners' names (places, "university", "college", "international",
"medicine", "technology"...); a form missing here is added to its simplified character's line.
"""

# The simplified character, then the forms folded to it (Japanese shinjitai, traditional).
_VARIANTS = {
    "广": "広廣", "岛": "島嶋", "东": "東", "县": "県縣", "泽": "沢澤", "滨": "浜濱", "关": "関關",
    "德": "徳", "国": "國", "经": "経經", "济": "済濟", "艺": "芸藝", "历": "歴歷", "图": "図圖",
    "医": "醫", "药": "薬藥", "总": "総總", "应": "応應", "单": "単單", "产": "産產", "业": "業",
    "学": "學", "会": "會", "际": "際", "馆": "館", "专": "専專", "门": "門", "长": "長",
    "冈": "岡", "儿": "児兒", "术": "術", "语": "語", "电": "電", "气": "気氣", "发": "発發",
    "开": "開", "间": "間", "绳": "縄繩", "冲": "沖", "马": "馬", "阳": "陽", "爱": "愛",
    "贺": "賀", "库": "庫", "鸟": "鳥", "宫": "宮", "头": "頭", "桥": "橋", "龙": "龍竜",
    "稻": "稲", "庆": "慶", "义": "義", "协": "協", "华": "華", "湾": "灣", "台": "臺",
    "师": "師", "范": "範", "农": "農", "体": "體", "书": "書", "贸": "貿", "财": "財",
    "险": "険險", "职": "職", "习": "習", "园": "園", "兴": "興", "汉": "漢", "韩": "韓",
    "圣": "聖", "苏": "蘇", "云": "雲", "贵": "貴", "宁": "寧", "黑": "黒", "户": "戸",
    "樱": "桜櫻", "铁": "鉄鐵", "银": "銀", "团": "団團", "对": "対對", "营": "営營", "读": "読讀",
    "验": "験驗", "检": "検檢", "亚": "亜亞", "观": "観觀", "类": "類", "达": "達", "纪": "紀",
    "须": "須", "静": "靜", "丰": "豊豐", "陆": "陸", "岭": "嶺", "辽": "遼", "陕": "陝",
    "厦": "廈", "场": "場", "实": "実實", "践": "踐", "创": "創", "设": "設", "计": "計",
    "环": "環", "筑": "築", "机": "機", "动": "動", "车": "車", "网": "網", "讯": "訊",
    "传": "伝傳", "统": "統", "构": "構", "联": "聯", "员": "員", "议": "議", "卫": "衛",
    "护": "護", "养": "養", "质": "質", "惠": "恵", "贝": "貝", "丽": "麗", "齐": "斉齊",
    "斋": "斎齋", "边": "辺邊", "泷": "滝瀧", "涩": "渋澀", "圆": "圓", "价": "価價", "卖": "売賣",
    "说": "説說", "译": "訳譯",
}
FOLD = str.maketrans({variant: simplified for simplified, variants in _VARIANTS.items() for variant in variants})


def fold_variants(text: str) -> str:
    """`text` with the other forms of Chinese characters as the simplified ones ("広島" → "广岛")."""
    return text.translate(FOLD)
