"""What the words of one customer message signal, read with a Chinese lexicon.

The lexicon covers what a trained classifier learns poorly from a few hundred examples: sentiment
words with negation ("不满意" vs "满意", "不着急"), intensifiers ("三天了", "到底", "！！"), sarcasm
cues ("还以为有免费红糖水喝呢"), rhetorical attacks ("这水你们自己喝吗？"), and the safety signals of
DESIGN §2: threats (12345, 市长热线, 媒体), emergencies (爆管, 水漫进屋, days without water),
vulnerable people (老人, 透析), repeated contact ("打了多少次电话") and explicit requests for a person.

``read_cues(text)`` is pure: text in, ``TextCues`` out. The emotion reading (``mot.emotion``) and the
moment tagger (``mot.moments``) both read its result.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Dict, FrozenSet, Iterable, List, Mapping, Optional, Sequence, Tuple

# Particles that negate the sentiment word right after them ("不满意", "没问题", "别着急").
NEGATIONS: Tuple[str, ...] = ("并不", "不太", "不是很", "不怎么", "没有", "不", "没", "别", "未", "无")
NEGATION_WINDOW = 3  # characters before a sentiment word that may hold its negation

POSITIVE_WORDS: Tuple[str, ...] = (
    "谢谢", "感谢", "多谢", "谢啦", "辛苦了", "辛苦", "太好了", "真好", "挺好", "很好", "不错", "满意",
    "点赞", "赞", "给力", "专业", "负责", "耐心", "及时", "真快", "很快", "挺快", "效率高", "靠谱",
    "放心", "安心", "开心", "高兴", "棒", "好评", "热情", "周到", "解决了", "来水了", "修好了",
    "好了", "方便", "感激", "暖心", "贴心", "优秀", "厉害", "哈哈", "惊喜", "感动", "省心", "省事",
    "表扬", "刮目相看", "改观", "哇塞", "佩服", "服气", "聪明", "不愧", "满分", "强多了", "夸一下", "夸夸", "神速",
    "这么高效", "效率这么高", "感恩", "👍",
)
# Relief and delight that name the outcome instead of thanking: "终于来水了", "这下放心了",
# "没想到这么快". They count as positive words and mark a highlight (a positive emotional peak).
RELIEF_CUES: Tuple[str, ...] = (
    "终于", "总算", "这下", "松了一口气", "松了口气", "松口气", "石头落地", "来水了", "水来了", "放心了", "没想到", "想不到",
    "比我想的", "比预期", "提前", "这么快", "真快", "太快了", "一下就", "省得", "不用跑", "帮大忙", "帮了大忙", "谢天谢地", "没事就好", "虚惊一场", "通水了",
)
# Asking for notice ahead is no relief: "停水能不能提前告诉一声".
NOT_RELIEF: Tuple[str, ...] = ("提前告诉", "提前通知", "提前说", "提前讲", "提前发")
NEGATIVE_WORDS: Tuple[str, ...] = (
    "失望", "郁闷", "烦", "麻烦", "无语", "难受", "不方便", "差劲", "太差", "很差", "贵", "涨价",
    "又涨", "不合理", "不满", "不满意", "不放心", "担心", "唉", "哎", "算了", "服了", "慢", "等了好久",
    "没人管", "没人理", "没人回", "没用", "坑", "离谱", "糟糕", "恶心", "难喝", "臭", "太慢",
)
ANGER_WORDS: Tuple[str, ...] = (
    "气死", "生气", "火大", "愤怒", "受够", "忍无可忍", "搞什么", "搞啥", "什么破", "破公司", "垃圾",
    "骗子", "欺负", "不像话", "太过分", "过分", "岂有此理", "混蛋", "滚", "踢皮球", "推卸", "敷衍",
    "糊弄", "耍", "吃干饭", "不作为", "到底管不管", "还管不管", "管不管", "有没有人管", "什么态度",
    "态度太差", "态度差", "态度恶劣", "凭什么", "什么意思", "给个说法", "讨个说法", "要个说法",
    "白说", "算是服了", "😤", "😡", "🤬", "💢",
    # insults: "侬脑子有问题伐", "眼睛呢", "听不懂人话"
    "脑子有问题", "脑子进水", "脑子坏了", "眼睛呢", "眼瞎", "瞎了吗", "听不懂人话",
    # exasperation: "我真是服了 交个水费比上天还难", "破防了", "烦死了"
    "激气", "真的服了", "死哪去了", "死哪儿去了", "我服了", "真服了", "是服了", "服了你们", "服了服了", "彻底服了", "烦死", "破防", "比上天还难", "比登天还难", "无语",
)
ANXIETY_WORDS: Tuple[str, ...] = (
    "急", "着急", "急死", "快点", "赶紧", "尽快", "马上", "怎么办", "咋办", "害怕", "吓人", "吓死",
    "慌", "担心", "不敢喝", "能喝吗", "还能喝吗", "求求", "拜托", "救命", "帮帮忙", "在线等",
)
# Words that make whatever follows stronger: time already lost, insistence, exasperation.
INTENSIFIERS: Tuple[str, ...] = (
    "到底", "究竟", "根本", "简直", "太", "非常", "特别", "真的", "实在", "一直", "总是", "每次",
    "天天", "又", "还", "都", "竟然", "居然", "已经", "好几天", "好几次", "多少次", "几次了",
)
# A positive surface meant as an attack.
SARCASM_CUES: Tuple[str, ...] = (
    "还以为", "真棒", "真行", "真厉害", "真是高", "'高'", "“高”", "好样的", "可真", "呵呵", "谢谢你们哦",
    "谢谢你们啊让", "感谢你们让", "谢谢你们让", "托你们的福", "免费红糖水", "服务真好啊", "效率真高",
    "真有你们的", "好家伙", "倒是挺", "倒是很", "倒挺", "倒是积极", "笑死", "套餐", "一点没涨",
    "好一个", "合着", "让我白跑", "真是谢谢你们", "真谢谢你们",
)
# "还以为要等好几天，没想到今天就修好了": a belief the outcome proved wrong is relief, not sarcasm.
# Cues that are sarcasm or sincere surprise: "好家伙 三天了还没修" vs "好家伙 一个电话没打就解决了".
# Sincere when the message states a good outcome outside the cue's own clause.
AMBIGUOUS_SARCASM: Tuple[str, ...] = ("还以为", "好家伙", "可真", "效率真高", "真是谢谢你们", "真谢谢你们")
THANKS: Tuple[str, ...] = ("谢谢", "感谢", "多谢", "谢啦", "感恩")
# Of those, the cues whose clause belongs to them: what was believed ("还以为今天能修好"), or the praise
# that is mocked ("可真专业"). "好家伙" is an exclamation on its own ("好家伙 这么快").
CLAUSE_SARCASM: Tuple[str, ...] = ("还以为", "可真")
# Where a clause starts or ends, for the look-back and hypothetical checks.
CLAUSE_MARKS = "，。,.！!？?；; "
# Where a believed clause ends: punctuation, a space, or the turn to what really happened.
CLAUSE_ENDS: Tuple[str, ...] = tuple(CLAUSE_MARKS) + ("没想到", "想不到", "原来", "结果", "谁知")
# Ending the conversation in so many words: "先这样吧", "没别的事了".
FAREWELL_CUES: Tuple[str, ...] = ("先这样", "就这样吧", "没别的事", "没有别的事", "没其他事", "不打扰了", "拜拜")
# "比说好的时间还早到": measured against the promise, not a broken one.
NOT_REPEATED_CONTACT: Tuple[str, ...] = ("比说好的", "跟说好的一样", "和说好的一样")
# A short reply that takes an answer in ("收到", "知道了，我明天去营业厅", "行 我这就去交").
ACKNOWLEDGEMENTS: Tuple[str, ...] = (
    "收到", "知道了", "明白", "了解", "懂了", "好的", "好嘞", "好吧", "行", "可以", "嗯", "ok", "okay",
    "不用了", "没了", "没有了", "那我", "好，", "好,", "好 ",
)
# ...unless it goes on to ask for something new ("好的，再帮我查下水费").
# Question words that ask nothing: "好的，没什么了", "懂了，我知道怎么交了", "好的 几点都行".
NOT_NEW_REQUEST: Tuple[str, ...] = (
    "没什么", "没啥", "什么都", "怎么都", "几点都", "啥时候都", "什么时候都", "知道怎么", "知道什么",
)
NEW_REQUEST_MARKERS: Tuple[str, ...] = (
    "帮我", "再查", "再问", "还有个", "还有一", "另外", "请问", "麻烦", "能不能", "可不可以", "能否", "啥",
    "什么", "怎么", "多久", "几点",
)
RHETORICAL_CUES: Tuple[str, ...] = (
    "能坚持几天", "自己喝吗", "自己敢喝", "你们喝吗", "这就是你们的服务", "有人管吗", "有没有人",
    "还要等多久", "要等到什么时候", "等到猴年马月", "是不是要", "难道", "凭什么", "还让不让人",
    "让不让人活", "怎么生活", "怎么过", "有什么用", "干什么吃的", "是摆设",
)
THREAT_CUES: Tuple[str, ...] = (
    "12345", "市长热线", "市长信箱", "媒体", "曝光", "记者", "电视台", "上级部门", "上级", "住建",
    "消协", "消费者协会", "起诉", "律师", "法院", "告你们", "网上发", "发微博", "发抖音", "抖音",
    "信访", "监管部门", "物价局", "纪委", "市政府", "区政府", "找政府", "联名", "人大代表", "报社",
    "论坛", "热搜", "住建局", "水务局", "评评理",
    # shaming in public: "截图发朋友圈 再发业主群里"
    "发朋友圈", "发到朋友圈", "发业主群", "发到业主群", "发小区群", "发到小区群", "发到网上",
    "小红书",
    # keeping evidence, going to law: "证据我都录下来了 再不处理就去卫健委" (not "退费要什么证据")
    "证据我都", "证据都", "留着证据", "保留证据", "留好证据", "存好证据", "留证据", "取证",
    "截图存", "截图保存", "截图留", "记录我都", "照片我都存", "照片都存", "视频我都存", "视频都存", "录音我都",
    "都录下来", "程序我会走", "走法律程序", "法律途径", "打官司", "消委会", "正规渠道",
    # a crowd at the office, a bad government-service review: "明天一起到你们公司门口去问问"
    "带几个业主", "带业主去", "业主一起去", "到你们公司门口", "去你们公司门口", "一起到你们", "一起去你们",
    "政务服务评价", "政务评价",
    # over the utility's head: "那我只好打县里那个热线了", "再拖下去我就到县政府门口去坐着"
    "去乡政府", "到乡政府", "找乡政府", "去镇政府", "到镇政府", "找镇政府", "去县政府", "到县政府", "找县政府",
    "去街道办", "到街道办", "找街道办", "找书记", "找乡长", "给乡长", "找镇长", "给镇长", "找县长", "到县里去", "去县里",
    "打县里", "找县里", "告到县里", "反映到县里", "县里的热线", "县里那个热线", "市里的热线", "市里那个热线",
    "告到市里", "反映到市里", "省里的热线", "告到省里", "政务热线",
)
EMERGENCY_CUES: Tuple[str, ...] = (
    "爆管", "爆了", "管子爆", "水管爆", "炸了", "喷水", "往外喷", "狂喷", "水柱", "水漫", "漫进",
    "漫到", "漫出", "淹了", "被淹", "淹到", "水流成河", "街上全是水", "马路上全是水", "路面塌",
    "塌陷", "漏电", "触电", "进了配电", "拉肚子", "腹泻", "中毒", "喝了不舒服", "喝了肚子", "呕吐",
    "送医院", "住院", "有虫", "虫子", "蚯蚓", "血红", "发臭", "刺鼻", "化学味", "汽油味", "进水了",
    "成河", "都泡着", "泡着呢", "泡水了", "往上冒", "往外冒", "上吐下泻", "冻裂", "全是水", "漏到我家",
    "漏到楼下", "渗到", "顶开", "往天上喷", "往上喷", "油花", "漂着油",
    # a valve that will not stop the water, walls soaked through, worms in the water
    "关不住", "拧到底", "湿透", "红虫", "小虫",
    # water shooting up or pouring in, a main cut through; water that made people ill or was fouled
    "老高", "冒水冒", "灌水", "往里灌", "灌进", "挖断", "撞断", "给撞了", "淌水", "全湿了",
    "想吐", "嗓子疼", "喉咙疼", "起疹子", "死老鼠", "死猫", "死鸟",
    # water fouled by sewage or chemicals: "放出来是黑的 还一股臭鸡蛋味", "闻着跟洗衣粉似的"
    "发黑", "是黑的", "黑水", "臭鸡蛋", "下水道味", "洗衣粉", "农药味",
    "爆开", "喷得到处", "头晕", "已经喝了", "烧了一壶喝了", "喝了没事吧", "喝了会不会有事", "泥汤",
    "喷得好高", "喷得很高", "喷好高", "往外涌", "涌出来", "路面陷", "地面陷", "顶起来", "塌了一个洞", "塌了个洞", "塌了一个坑", "塌了个坑", "管子崩", "水管崩", "管崩了", "堵不住", "铁锈汤", "红褐色", "往外返水", "返臭水", "一屋子都是水", "一屋子水",
)
# Water running onto the electrics: "水从电表箱那边流下来了", "渗到插座里".
# Like the word cues it is dropped in a hypothetical or a look back ("如果插座进水了怎么办"), and
# "没" between the two halves denies it ("插座那边没进水").
WATER_ON_POWER = re.compile(
    r"(电表箱|配电箱|电箱|插座|电线|电闸)[^，。,.!！?？没]{0,6}(流|渗|滴|淌|冒水|漏水|进水|湿)"
    r"|(流|渗|滴|淌|漏|进)[^，。,.!！?？没]{0,4}(电表箱|配电箱|电箱|插座|电线|电闸)"
)
NOT_EMERGENCY: Tuple[str, ...] = ("全是水费", "全是水电", "住院楼", "住院部")
# A small, contained fault: "厨房水管一直在滴水", "龙头关不紧", "有点渗 量不大". Reported with worry it is
# still an ordinary repair, not an emergency...
MINOR_FAULT_CUES: Tuple[str, ...] = (
    "滴水", "滴答", "一滴一滴", "关不紧", "关不严", "拧不紧", "有点渗", "有点漏", "量不大", "不算大",
)
NOT_MINOR_FAULT: Tuple[str, ...] = ("一滴水",)  # "一滴水都没有" is no water at all
# ...unless the water reaches what it can damage or endanger: "天花板在滴水", "渗到插座旁边".
FAULT_HAZARDS: Tuple[str, ...] = (
    "天花板", "顶上", "吊顶", "楼下", "墙", "电", "灯", "插座", "泡", "鼓", "越来越", "越滴越", "止不住",
)
RUNNING_WATER: Tuple[str, ...] = ("喷", "冒", "哗", "流", "漏", "止不住", "关不住", "一直在")
# Emergency cues that count only beside something else in the message: dripping where it can do harm
# ("顺着吊灯往下滴", not "热水器接口往下滴 拿盆接着呢"), a valve that will not turn while water runs
# ("阀门拧不动 水还在喷", not "表前阀门锈住了拧不动 装修得关阀").
CONDITIONAL_EMERGENCY_CUES: Tuple[Tuple[Tuple[str, ...], Tuple[str, ...]], ...] = (
    (("往下滴",), FAULT_HAZARDS),
    (("拧不动",), RUNNING_WATER),
)
# An emergency the customer rules out is none: "不是爆管哈 就是水龙头底下有点渗", "没有虫子".
EMERGENCY_DENIALS: Tuple[str, ...] = ("不是", "不算", "并非", "没有", "没")
DENIED_EMERGENCY = re.compile(
    "(?:" + "|".join(EMERGENCY_DENIALS) + ")(?:" + "|".join(map(re.escape, EMERGENCY_CUES)) + ")"
)
# An emergency word in a question about what to do *if* it happens, or about the repair hotline,
# is not an emergency: "万一爆管了找谁", "爆管抢修是打哪个电话".
# ...or one the rest of its clause makes a condition: "爆管的话找谁", "水管冻裂了的话怎么办".
CONDITION_ENDS: Tuple[str, ...] = ("的话",)
THREAT_CONDITIONS: Tuple[str, ...] = ("不", "没", "再")
HYPOTHETICAL_MARKERS: Tuple[str, ...] = (
    "如果", "万一", "要是", "假如", "假设", "以后", "平时", "会不会", "就怕", "生怕",
    # a belief the outcome proved wrong: "还以为要投诉你们，结果半天就修好了"
    "还以为",
)
# "以后" after an event is when it happened, not a future case: "喝了自来水以后全家都拉肚子".
AFTER_EVENT = re.compile(r"了[^，。,.!！?？ ]{0,8}以后")
# A threat the customer nearly made and did not: "本来都准备打12345了，结果半小时就修好了". (Only for
# threats: "本来好好的 水管突然爆了" is an emergency.)
COUNTERFACTUAL_MARKERS: Tuple[str, ...] = ("本来", "差点")
# ...nor news of somewhere else: "看新闻说高新区那边爆管了".
HEARSAY_MARKERS: Tuple[str, ...] = ("听说", "看新闻", "新闻说", "新闻里", "新闻上", "网上说", "看到新闻")
# ...nor is one the customer looks back on: "上次爆管修得很快", "之前打12345反映的问题解决了".
PAST_MARKERS: Tuple[str, ...] = ("上次", "上回", "之前", "以前", "去年", "上个月", "上周", "上礼拜", "前阵子")
# "爆管抢修是打哪个电话", "报修热线多少": a question for the hotline, asked ahead of need.
HOTLINE_QUESTION = re.compile(r"(抢修|报修|维修)[^，。,.]{0,6}(电话|热线|号码)")
# "12345让我找你们", "打12345问的 他们说…": the hotline sent the customer here; it is no threat.
HOTLINE_REFERRAL = re.compile(
    r"(12345|市长热线)[^，。,.\s]{0,4}?(让我|叫我|说让|那边说|那边让|转过来|问的|问过|是不是|怎么打|怎么拨|是多少|号码|是什么|是啥|是干什么|是干嘛|是管什么|管什么)"
    # "12345跟你们的热线有啥区别": a comparison of hotlines, asked ahead of need
    r"|(12345|市长热线)[^，。,.]{0,10}(区别|不一样|哪个好|是不是一个|是一个号|同一个|一样吗|一回事|是一个吗|是个啥|是个什么)"
)
# ...unless the customer is about to call it: "我就打12345问问你们领导".
THREAT_CALL = re.compile(r"(要打|就打|马上打|去打|我打算打|再打)$")
# "人工客服几点上班", "投诉一般是怎么个流程": asking how the service works, ahead of any need of it.
SERVICE_INFO_QUESTION = re.compile(
    r"(几点|什么时候|啥时候)[^，。,.]{0,3}(上班|下班|有人|在线|开始|营业)|上班时间|工作时间|服务时间"
    r"|(怎么个|什么|啥)流程|流程(是)?怎么|怎么走流程|步骤是|开不开门|几点开门|开门吗|上不上班|周末上班|几点到几点"
    r"|(投诉|反映)[^，。,.]{0,6}(打哪个|什么电话|哪个电话|电话是多少|热线是多少|什么渠道)"
    # "投诉和建议是同一个入口吗", "投诉一般多久给回复 我就先了解下"
    r"|(投诉|反映)[^，。,.]{0,8}(入口|渠道|多久给?回复|几天给?回复)|先了解|不一定投|想知道流程|了解一下流程|流程是啥"
    # "你们的服务热线是多少，我存一下"
    r"|(热线|客服电话|服务电话)(号码)?(是)?多少"
)
# ...which a demand in so many words overrides: "我要投诉，你们这是什么流程".
# ("要投诉的话走什么流程" is still a question: a demand made on a condition is none.)
EXPLICIT_DEMAND = re.compile(r"要投诉(?!的话)|投诉你们|转人工|找人工|要人工|叫人工")
# ...and one the customer disowns is none: "先了解下 不是现在就要投诉".
DISOWNED_DEMAND = re.compile(r"(不是|并不是|没说)[^，。,.\s]{0,4}(要投诉|要人工)")
VULNERABLE_CUES: Tuple[str, ...] = (
    "老人", "老人家", "老母亲", "老父亲", "老太太", "老爷子", "奶奶", "爷爷", "外婆", "外公", "瘫痪",
    "卧床", "病人", "生病", "刚做完手术", "手术", "透析", "腹透", "血透", "出院", "老头子", "老伴", "孕妇", "怀孕", "坐月子", "月子", "婴儿",
    "宝宝", "小孩", "孩子", "娃儿", "小娃", "奶娃", "新生儿", "残疾", "轮椅", "独居", "癌症", "化疗", "发烧", "腿脚不好",
    "行动不便", "一个人住", "一个人在家", "独自在家", "下不了楼", "拄拐", "老两口", "没满月", "刚满月", "刚出生",
    "几个月大", "瘫在床", "瘫炕", "瘫在炕", "产妇", "刚生完", "糖尿病", "心脏病", "高血压", "哮喘", "吸氧",
    # blind and deaf customers, not a meter one cannot see ("表被埋了看不见") or a bad line
    "眼睛看不见", "看不见东西", "失明", "盲人", "读屏", "耳朵听不见", "耳背", "耳聋", "聋哑",
)
# A customer who cannot reach the service: "坐轮椅 营业厅台阶上不去", "腿脚不好 去不了营业厅".
ACCESS_BARRIER_CUES: Tuple[str, ...] = (
    "去不了", "上不去", "下不去", "进不去", "出不了门", "下不了楼", "跑不动", "跑不了", "怎么上去", "台阶那么高", "台阶太高",
)
# "八十多了", "七十几岁": old age said as a number.
OLD_AGE_PATTERN = re.compile(r"[六七八九]十(多|几|来)?岁|[六七八九]十(多|几)了|(6|7|8|9)\d岁")
REPEATED_CONTACT_CUES: Tuple[str, ...] = (
    "多少次", "好几次", "几次了", "第三次", "第四次", "第五次", "又打", "打了好多", "打了几次", "打了很多",
    "一直没人", "都没人来", "没人来", "没人上门", "还没人来", "说好的", "说了好几遍", "问了好几遍",
    "重复了", "每次都", "还是没", "又是这样", "一直等", "等了一天", "等了两天", "等了三天",
    "又跟你说", "也说了", "都说了", "说了多少遍", "再让我发", "上上周", "回回", "次次",
)
# "问了四五次", "跑了三趟", "发了两遍", "第三次报修": the same thing done again and again.
REPEATED_PATTERN = re.compile(
    r"(打了|问了|说了|跑了|报了|发了|催了|反映了|找了|换了|修了|来了)[^，。,.]{0,3}[两三四五六七八九十几好多]+(次|遍|趟|回)"
    r"|第[二三四五六七八九十]+(次|回|遍)"
)
HUMAN_REQUEST_CUES: Tuple[str, ...] = (
    "人工", "转人工", "真人", "客服人员", "找个人", "找个活人", "活人", "坐席", "接线员", "值班的人",
    "你们领导", "找领导", "能解决的人", "能做主", "说了算的", "管事的",
    "上面的人", "喘气的", "会喘气",
    "让个人", "叫个人", "接个人", "喊个人",
    "当面说", "当面谈", "当面聊", "就有人跟我", "有没有人能跟我",
    "real person", "a human", "human agent", "live agent", "talk to someone",
    # a person the customer already knows: "能帮我转给他不"
    "转给他", "转给她", "帮我转给",
)
# A title is a request only when asked for: "叫你们经理来", not "我这个物业经理也松了口气".
PERSON_TITLE_REQUEST = re.compile(
    r"(找|叫|让|请(?!问)|喊|换|接)[^，。,.!！?？]{0,6}(?P<title>经理|负责人|主管|客服|工作人员|小姐姐|姐姐)"
    # "我还是想跟工作人员讲一下": wanting to talk to a member of staff
    r"|(想|要|得)(跟|和|同)[^，。,.!！?？]{0,2}(?P<staff>工作人员|客服|真人)"
    # "让上回来的那个周师傅跟我联系一下": someone the customer knows, asked to call back
    r"|(让|叫|请(?!问)|麻烦)[^，。,.!！?？]{0,10}(?P<known>师傅|同事|同志|小伙子|姐|哥|负责的人|你们的人|小(?!区)[\u4e00-\u9fff])(直接)?(跟我|和我|与我|给我)?(联系|回个?电话|打个?电话|回个话|打电话给我)"
    # "麻烦帮我联系一下负责我们小区移交的那位工程师", "帮我接一下营业厅的值班经理"
    r"|(帮我|麻烦)(联系|接|转接|转)[^，。,.!！?？]{0,14}(?P<connect>经理|负责人|主管|工作人员|同志|工程师|组长|专员)"
    # "我想直接跟办业务的同志沟通", "我想跟你们营业厅的刘经理直接说"
    r"|(想|要|得)(直接)?(跟|和|同)[^，。,.!！?？]{0,8}(?P<counterpart>同志|师傅|工作人员|经理|负责人|工程师)(直接)?(沟通|对接|说|讲|谈|聊)"
    # "叫你们营业所的人来", "我要找你们上面的人", "你们经理在不在"
    r"|(叫|找|让|喊|联系|想直接问|想问问)[^，。,.!！?？]{0,4}(?P<office>营业所|营业厅|片区|上面|管事|当官|当家)的人"
    r"|(?P<head>经理|负责人|主管|领导|站长|所长)(在不在|在吗|在没在|呢[?？])"
    # "这事得跟能拍板的人说", "想跟你们负责这片供水调度的人对接一下"
    r"|(跟|和|同)(你们)?(?P<deciding>能拍板|能做主|说了算|管事|负责[^，。,.!！?？]{0,8})的人(说|讲|谈|对接)"
    # "我要找上趟来换表的那个王师傅", "帮我找一下上次来换表的李师傅"
    r"|找(一下)?[^，。,.!！?？]{0,3}(上次|上回|上趟|那个|那位)[^，。,.!！?？]{0,10}(?P<before>师傅|姐|大姐|哥|同志|客服)"
    # "有没有懂报装的师傅 我想直接问问"
    r"|有没有(懂|会)[^，。,.!！?？]{0,5}的(?P<expert>师傅|人|同事)"
    # "上次那个姓黄的客服还在吗 我想找她继续跟进"
    r"|(想|要)找(?P<named>她|他)(?!们)"
    # "我想找个负责这块的人当面谈", "麻烦找个能拍板的": whoever can decide
    r"|(找|叫|换|喊)(个|一个|一位)[^，。,.!！?？]{0,5}(?P<decider>负责|管事|能拍板|能做主|说了算|懂行)[^，。,.!！?？]{0,4}的(?=人|来|过来|跟|和|同|师傅|同志|[，。,.!！?？ ]|$)"
)
# "让师傅到了给我打个电话": the visit being arranged, not a person asked for.
VISIT_ARRANGEMENT: Tuple[str, ...] = ("到了", "来之前", "上门前", "出发前", "开门", "到楼下", "进门", "快到", "上门的时候")
# "不用叫你们经理了": a title not asked for.
TITLE_REQUEST_NEGATIONS: Tuple[str, ...] = ("不", "别", "没", "甭", "不用", "不要", "不必", "不需要")
# The customer turns a person down: "好的好的 不用转人工了". What the NLU makes of it (request_human)
# is then no request either.
HUMAN_DECLINED: Tuple[str, ...] = (
    "不用人工", "不要人工", "不需要人工", "不用转人工", "不要转人工", "不需要转人工", "不转人工", "不找人工",
)
NOT_HUMAN_REQUEST: Tuple[str, ...] = ("人工智能", "比人工") + HUMAN_DECLINED
# "刚才人工那个小姑娘态度老好了": an agent the customer already spoke to, looked back on.
JUST_NOW_MARKERS: Tuple[str, ...] = ("刚才", "刚刚")
COMPLAINT_CUES: Tuple[str, ...] = (
    "投诉", "举报", "控告", "给差评", "差评", "意见很大", "反映问题",
    # the formal register of a retiree's letter: "本人正式提出意见…请予书面答复"
    "提出意见", "书面答复", "正式反映", "正式提出", "正式提", "正式的说法", "就是这么做事", "就是这么办事", "就是这么服务", "必须反映", "必须投诉", "要求重新校验", "要求校验", "必须给我重新",
    # a loss laid at the utility's door: "客人全部退房了 这损失哪个负责"
    "损失谁", "损失哪个", "损失由谁", "这损失",
    # passed from desk to desk, staff who scowl or swear, what is plainly unfair
    "踢皮球", "皮球踢", "推来推去", "互相推", "摆脸色", "甩脸子", "骂骂咧咧", "爱答不理", "爱理不理",
    "账我不认", "不认这个账", "这账我不认",
    "反映他", "反映她", "反映你们", "这不合理", "太不合理", "很不合理", "什么道理", "么子道理", "啥道理", "哪有这种道理",
)
# The bill went up and the customer blames the utility's meter: "换了新表以后水费直接翻倍 你们这表是不是有问题".
METER_BLAMED = re.compile(
    r"你们(这|的|这个)?(表|水表)[^，。,.!！?？]{0,4}(是不是有问题|肯定有问题|有问题吧|不准|有毛病)|这个?表肯定有问题"
)
BILL_ROSE = re.compile(r"翻倍|翻了一倍|多了|贵了|涨了|多出|多交|多扣|比以前多")
# The customer disowns a complaint: "我不是来投诉的哈 就想问问". The NLU's complain intent on such a
# message is then no complaint either.
NOT_COMPLAINT: Tuple[str, ...] = (
    "不是投诉", "不投诉", "不是要投诉", "不算投诉", "不想投诉", "不是来投诉", "没有投诉的意思", "没投诉的意思",
    "不是投诉的意思", "不是想投诉",
)
CALM_CUES: Tuple[str, ...] = ("不急", "不着急", "不用急", "方便的时候", "有空的时候", "慢慢来")

# "三天了", "两天没水", "48小时": how long the customer has already suffered.
_CN_NUMBER = "一二两三四五六七八九十几好多半"
# ...but not notice given ahead: "提前三天就发通知了".
# ...nor "前几天" (a few days ago).
DAYS_PATTERN = re.compile(rf"(?<!前)([{_CN_NUMBER}\d]+)\s*(天|日|个?星期|个?礼拜|周)")
_WEEK_UNITS = ("星期", "礼拜", "周")
# "从前天晚上到现在": a day named as the start of the trouble.
DAYS_SINCE: Dict[str, float] = {"大前天": 3.0, "前天": 2.0, "昨天": 1.0}
HOURS_PATTERN = re.compile(rf"([{_CN_NUMBER}\d]+)\s*(?:个)?\s*(?:小时|钟头)")
NO_WATER_PATTERN = re.compile(r"停了[^，。,.]{0,4}水|停了[^，。,.\s]{0,4}(天|礼拜|星期|周)|去[^，。,.\s]{0,4}拉水|水一停|没水|冇水|冇得水|没得水|莫得水|停水|断水|不来水|没有水|没来水|无水|开不到水|吃不上水|用不上水|停到现在|一滴水都没")
LONG_NUMBER = re.compile(r"\d{6,}")
EXCLAMATIONS = re.compile(r"[!！]{2,}")
QUESTION_RUN = re.compile(r"[?？]{2,}")
ACCUSING_QUESTION = re.compile(r"(怎么|为什么|为啥|咋)[^，。,.]{0,12}(还|又|都|就)[^，。,.]{0,12}[?？]")

_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")}
_DIGITS.update({"两": 2, "几": 3, "好": 3, "多": 3, "半": 0})


def _cn_number(token: str) -> float:
    """'三' → 3, '十二' → 12, '48' → 48, '几'/'好' → 3 (vague but plural)."""
    if token.isdigit():
        return float(token)
    if token.startswith("十"):
        return 10 + (_DIGITS.get(token[1:2], 0) if len(token) > 1 else 0)
    if "十" in token:
        tens, _, ones = token.partition("十")
        return _DIGITS.get(tens, 1) * 10 + (_DIGITS.get(ones, 0) if ones else 0)
    return float(sum(_DIGITS.get(c, 0) for c in token[:1]))


@dataclass(frozen=True)
class TextCues:
    """Everything the lexicon found in one message; each field is a named signal for the tagger."""

    positive: Tuple[str, ...] = ()  # positive words not negated
    negative: Tuple[str, ...] = ()  # negative words not negated, and negated positive words
    anger: Tuple[str, ...] = ()
    anxiety: Tuple[str, ...] = ()
    calm: Tuple[str, ...] = ()  # negated negative words and "不急": the customer signals no pressure
    intensifiers: Tuple[str, ...] = ()
    sarcasm: Tuple[str, ...] = ()
    rhetorical: Tuple[str, ...] = ()
    threat: Tuple[str, ...] = ()
    emergency: Tuple[str, ...] = ()
    vulnerable: Tuple[str, ...] = ()
    repeated_contact: Tuple[str, ...] = ()
    relief: Tuple[str, ...] = ()  # relief and delight at the outcome: "终于来水了", "这下放心了"
    requested_human: Tuple[str, ...] = ()
    complaint: Tuple[str, ...] = ()
    exclamation_runs: int = 0  # "！！"
    question_runs: int = 0  # "？？"
    accusing_questions: int = 0  # "怎么又停水了？"
    days_suffered: float = 0.0  # "三天了" → 3
    hours_suffered: float = 0.0
    mentions_no_water: bool = False
    acknowledgement: bool = False  # the message takes an answer in and asks nothing new
    farewell: Tuple[str, ...] = ()  # "先这样吧", "没别的事了": the customer ends the conversation
    service_info_question: bool = False  # "人工客服几点上班": how the service works, not a need of it
    minor_fault: bool = False  # "龙头一直在滴水": a small, contained fault, nothing at risk
    human_declined: bool = False  # "不用转人工了"
    complaint_disowned: bool = False  # "没有投诉的意思哈"
    access_barrier: bool = False  # "营业厅台阶上不去": the customer cannot reach the service
    content_chars: int = 0  # Chinese characters, letters and digits: how much the message says

    @property
    def waited_days(self) -> float:
        """How long the customer says the problem has lasted, in days."""
        return max(self.days_suffered, self.hours_suffered / 24.0)

    def as_dict(self) -> Dict[str, object]:
        """Only the signals that fired (for the tracker and the review console)."""
        found: Dict[str, object] = {}
        for name, value in self.__dict__.items():
            if value:
                found[name] = list(value) if isinstance(value, tuple) else value
        return found

    @classmethod
    def from_dict(cls, found: Mapping[str, object]) -> "TextCues":
        """Read back what ``as_dict`` wrote (the NLU's reading, stored on the parse data)."""
        defaults = cls()
        values: Dict[str, object] = {}
        for name, value in found.items():
            if not hasattr(defaults, name):
                continue  # written by another version of the lexicon
            default = getattr(defaults, name)
            values[name] = tuple(value) if isinstance(default, tuple) else type(default)(value)
        return cls(**values)


def _find(text: str, words: Iterable[str]) -> List[Tuple[int, str]]:
    """Non-overlapping occurrences of ``words`` in ``text``, longest word first."""
    taken = [False] * len(text)
    hits: List[Tuple[int, str]] = []
    # longest first, then in a fixed order: set order changes with every process (hash seed), and the
    # NLU and action server must read the same message the same way
    for word in sorted(set(words), key=lambda w: (-len(w), w)):
        start = text.find(word)
        while start != -1:
            end = start + len(word)
            if not any(taken[start:end]):
                for i in range(start, end):
                    taken[i] = True
                hits.append((start, word))
            start = text.find(word, start + 1)
    return sorted(hits)


def _negated(text: str, start: int) -> bool:
    window = text[max(0, start - NEGATION_WINDOW) : start]
    return any(window.endswith(n) or (n in window and len(n) > 1) for n in NEGATIONS)


def _matches(pattern: "re.Pattern[str]", text: str) -> Tuple[str, ...]:
    """Every match of ``pattern`` in ``text``, as found words."""
    return tuple(m.group() for m in pattern.finditer(text))


def _clause_end(text: str, start: int, ends: Sequence[str]) -> int:
    """Where the clause running at ``start`` ends: the first of ``ends`` from there, else the text's end."""
    found = [i for i in (text.find(mark, start) for mark in ends) if i >= 0]
    return min(found, default=len(text))


def _present(text: str, cues: Sequence[str], exclusions: Sequence[str] = ()) -> Tuple[str, ...]:
    return tuple(word for _, word in _find(_masked(text, exclusions), cues))


def normalise(text: str, keep_spaces: bool = False) -> str:
    """Lower-case, full-width digits and letters to ASCII, spaces removed: what the lexicon reads.
    With ``keep_spaces`` each run of whitespace becomes one space instead (for clause boundaries)."""
    out: List[str] = []
    for char in text:
        code = ord(char)
        if 0xFF10 <= code <= 0xFF19 or 0xFF21 <= code <= 0xFF3A or 0xFF41 <= code <= 0xFF5A:
            char = chr(code - 0xFEE0)
        if not char.isspace():
            out.append(char.lower())
        elif keep_spaces and out and out[-1] != " ":
            out.append(" ")
    return "".join(out).strip()


def read_cues(text: str) -> TextCues:
    """Read the lexicon's signals from one customer message."""
    spaced = normalise(text or "", keep_spaces=True)
    text = spaced.replace(" ", "")
    positive: List[str] = []
    negative: List[str] = []
    calm: List[str] = []
    # One pass over all sentiment words so "不满意" is not also read as "满意".
    for start, word in _find(text, POSITIVE_WORDS + NEGATIVE_WORDS + CALM_CUES):
        if word in CALM_CUES:
            calm.append(word)
            continue
        negated = _negated(text, start) and not word.startswith(("不", "没"))
        if word in POSITIVE_WORDS:
            (negative if negated else positive).append(word)
        else:
            (calm if negated else negative).append(word)
    anger = [w for s, w in _find(text, ANGER_WORDS) if not _negated(text, s)]
    relief = [w for s, w in _find(_masked(text, NOT_RELIEF), RELIEF_CUES) if not _negated(text, s)]
    vulnerable = _present(text, VULNERABLE_CUES) + _matches(OLD_AGE_PATTERN, text)
    repeated = _present(text, REPEATED_CONTACT_CUES, exclusions=NOT_REPEATED_CONTACT) + _matches(REPEATED_PATTERN, text)
    anxiety = [w for s, w in _find(text, ANXIETY_WORDS) if not _negated(text, s)]

    demand = EXPLICIT_DEMAND.search(DISOWNED_DEMAND.sub(_blank, text))
    info_question = bool(SERVICE_INFO_QUESTION.search(text)) and not anger and not demand
    days = [
        _cn_number(m.group(1)) * (7 if m.group(2).endswith(_WEEK_UNITS) else 1) for m in DAYS_PATTERN.finditer(text)
    ]
    days += [n for word, n in DAYS_SINCE.items() if f"从{word}" in text or f"{word}到现在" in text]
    hours = [_cn_number(m.group(1)) for m in HOURS_PATTERN.finditer(text)]
    return TextCues(
        positive=tuple(positive),
        negative=tuple(negative),
        anger=tuple(anger),
        anxiety=tuple(anxiety),
        calm=tuple(calm),
        intensifiers=_present(text, INTENSIFIERS),
        sarcasm=_sarcasm(spaced),
        rhetorical=_present(text, RHETORICAL_CUES),
        # "12345" is the citizens' hotline only when it is not part of an account or phone number.
        threat=_current(_referrals_blanked(LONG_NUMBER.sub(_blank, spaced)), THREAT_CUES, COUNTERFACTUAL_MARKERS),
        emergency=()
        if HOTLINE_QUESTION.search(text)
        else _current(DENIED_EMERGENCY.sub(_blank, _masked(spaced, NOT_EMERGENCY)), EMERGENCY_CUES)
        + _current(spaced, (), pattern=WATER_ON_POWER)
        + tuple(
            word for cues, needs in CONDITIONAL_EMERGENCY_CUES if _present(text, needs) for word in _present(text, cues)
        ),
        vulnerable=vulnerable,
        repeated_contact=repeated,
        relief=tuple(relief),
        requested_human=() if info_question else _current(
            _masked(spaced, NOT_HUMAN_REQUEST), HUMAN_REQUEST_CUES, JUST_NOW_MARKERS
        )
        + _titles_asked_for(spaced),
        complaint=() if info_question else _current(_masked(spaced, NOT_COMPLAINT), COMPLAINT_CUES)
        + (_matches(METER_BLAMED, text) if BILL_ROSE.search(text) else ()),
        exclamation_runs=len(EXCLAMATIONS.findall(text)),
        question_runs=len(QUESTION_RUN.findall(text)),
        accusing_questions=len(ACCUSING_QUESTION.findall(text)),
        days_suffered=max(days, default=0.0),
        hours_suffered=max(hours, default=0.0),
        mentions_no_water=bool(NO_WATER_PATTERN.search(text)),
        acknowledgement=_acknowledges(text),
        farewell=_present(text, FAREWELL_CUES),
        service_info_question=info_question,
        human_declined=bool(_present(text, HUMAN_DECLINED)),
        complaint_disowned=bool(_present(text, NOT_COMPLAINT)),
        access_barrier=bool(_present(text, ACCESS_BARRIER_CUES)),
        content_chars=sum(1 for char in text if char.isalnum()),
        minor_fault=bool(_present(text, MINOR_FAULT_CUES, exclusions=NOT_MINOR_FAULT)) and not _present(text, FAULT_HAZARDS),
    )


def _current(
    text: str, cues: Sequence[str], extra_markers: Sequence[str] = (), pattern: Optional["re.Pattern[str]"] = None
) -> Tuple[str, ...]:
    """Cue words (or ``pattern``'s matches) about what is happening now: less those in a hypothetical
    ("万一爆管了找谁"), in a look back ("上次爆管修得很快"), in news of elsewhere, or in a clause with
    ``extra_markers``. ``text`` keeps the customer's spaces, which end clauses as commas do ("之前投诉过
    三次了还没解决 我要再投诉"). A question for the repair hotline is handled by the caller."""
    markers = HYPOTHETICAL_MARKERS + PAST_MARKERS + HEARSAY_MARKERS + tuple(extra_markers)
    found = []
    hits = _find(text, cues) if pattern is None else [(m.start(), m.group()) for m in pattern.finditer(text)]
    for start, word in hits:
        clause_start = max(text.rfind(mark, 0, start) for mark in CLAUSE_MARKS)
        clause = AFTER_EVENT.sub("", text[clause_start + 1 : start])
        # "施工挖断水管的话 谁来赔": a condition named after the cue is a hypothetical too
        rest = text[start : _clause_end(text, start, CLAUSE_MARKS)]
        # ...as is one the clause has already made a condition ("要投诉的话是找你们还是找住建局"), unless
        # the condition is what the utility fails to do, which is how a threat is made ("不退钱的话 法院见")
        conditioned = any(c in clause for c in CONDITION_ENDS) and not any(n in clause for n in THREAT_CONDITIONS)
        if not any(marker in clause for marker in markers) and not conditioned and not any(c in rest for c in CONDITION_ENDS):
            found.append(word)
    return tuple(found)


def _referrals_blanked(text: str) -> str:
    """``text`` with "12345让我找你们"-style referrals blanked, unless the customer is about to call."""
    def blank(match: "re.Match[str]") -> str:
        return match.group() if THREAT_CALL.search(text[: match.start()]) else _blank(match)

    return HOTLINE_REFERRAL.sub(blank, text)


def _titles_asked_for(text: str) -> Tuple[str, ...]:
    """"叫你们经理来" asks for a person; "不用叫你们经理了" does not."""
    visit = any(word in text for word in VISIT_ARRANGEMENT)
    return tuple(
        next(person for person in m.groupdict().values() if person)
        for m in PERSON_TITLE_REQUEST.finditer(text)
        if not (m.group("known") and visit)
        # the negation stands right before the verb ("不用叫", "别再找"); "讲不清楚 叫你们经理来" and
        # "能不能让周师傅联系我" ask
        and not text[: m.start()].rstrip(" 再也就还").endswith(TITLE_REQUEST_NEGATIONS)
    )


def _sarcasm(spaced: str) -> Tuple[str, ...]:
    """Sarcasm cues, less an ambiguous one ("还以为", "好家伙") when the message also states a good
    outcome outside that cue's clause ("真修好了 我还以为要等一礼拜", "好家伙 这么快").
    "还以为你们修好了呢" keeps it: the good word is what was believed. ``spaced`` keeps the
    customer's spaces, which end clauses in chat as commas do."""
    found = _present(spaced.replace(" ", ""), SARCASM_CUES)
    for cue in AMBIGUOUS_SARCASM:
        start = spaced.find(cue)
        if start < 0 or cue not in found:
            continue
        # a clause end right after the cue ("我还以为 这次终于修好了") does not end what was believed;
        # an exclamation ("好家伙 这么快") is only itself
        after = start + len(cue) + 1
        end = _clause_end(spaced, after, CLAUSE_ENDS) if cue in CLAUSE_SARCASM else start + len(cue)
        outside = (spaced[:start] + _blank_text(spaced[start:end]) + spaced[end:]).replace(" ", "　")
        # thanks are no outcome: "谢谢啊 真谢谢你们 让我三天没洗上澡"
        good = [
            w for s, w in _find(outside, POSITIVE_WORDS + RELIEF_CUES) if not _negated(outside, s) and w not in THANKS
        ]
        if good:
            found = tuple(word for word in found if word != cue)
    return found


def _blank(match: "re.Match[str]") -> str:
    return _blank_text(match.group())


def _blank_text(text: str) -> str:
    """Full-width spaces of the same length: positions stay, nothing matches there."""
    return "　" * len(text)


def _acknowledges(text: str) -> bool:
    """"收到", "知道了，我明天去办": starts by taking the answer in, asks no question and nothing new."""
    if "?" in text or "？" in text or "吗" in text[-2:]:
        return False
    asking = _masked(text, NOT_NEW_REQUEST)
    if any(marker in asking for marker in NEW_REQUEST_MARKERS):
        return False
    return text.startswith(ACKNOWLEDGEMENTS) and len(text) <= 20


def _masked(text: str, phrases: Sequence[str]) -> str:
    for phrase in phrases:
        text = text.replace(phrase, _blank_text(phrase))
    return text
