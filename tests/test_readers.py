from zhcausal.readers import unwrap_lines


def test_pdf_lines_wrapped_inside_a_paragraph_are_joined():
    page = ("报告期内，受原材料价格上涨影响，公司\n"  # a full line cut mid-sentence: joined
            "毛利率同比下降2.1个百分点。原材料\n"     # a full line ending a clause, no sentence end: joined
            "成本占比约六成。\n"                      # ends a sentence: the break stays
            "第三节 管理层讨论\n"                     # a short heading: the break stays
            "一、概述")
    assert unwrap_lines(page) == ("报告期内，受原材料价格上涨影响，公司毛利率同比下降2.1个百分点。原材料成本占比约六成。\n"
                                  "第三节 管理层讨论\n一、概述")


def test_ascii_words_split_by_a_wrap_get_a_space():
    page = "The gross margin fell because of higher\ncosts."
    assert unwrap_lines(page) == "The gross margin fell because of higher costs."


def test_pages_of_short_lines_are_left_alone():
    assert unwrap_lines("一\n二\n三") == "一\n二\n三"
