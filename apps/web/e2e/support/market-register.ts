/**
 * Rows of 市场主体登记注册信息 (the market-regulation bureau's register in the demo catalog) for the
 * provision specs: synthetic, in the demo data's shape (valid credit codes, code-list values).
 */
export const MARKET_ENTRY = '市场主体登记注册信息';

/** The headers after the first two (统一社会信用代码, 市场主体名称). */
export const MARKET_HEADER_REST =
  '市场主体类型,法定代表人,注册资本（万元）,成立日期,住所,经营范围,登记机关,核准日期,登记状态,所属区县';
/** The data items' labels, in their order. */
export const MARKET_HEADER = `统一社会信用代码,市场主体名称,${MARKET_HEADER_REST}`;

export const MARKET_ROWS = [
  '9121010461803398XX,沈阳福翼机械制造有限公司,有限责任公司（自然人投资或控股）,朱善弘,100.00,2015-07-11,辽宁省沈阳市大东区善邻路72号,通用设备制造,沈阳市大东区市场监督管理局,2023-06-22,存续,大东区',
  '92210106MA5C6NL06G,沈阳市铁西区祥邦超市,个体工商户,林成力,20.00,2015-10-19,辽宁省沈阳市铁西区云峰北街190号,食品销售,沈阳市铁西区市场监督管理局,2015-10-19,存续,铁西区',
  '92210112MA6EPB8X8M,沈阳市浑南区东翔小吃部,个体工商户,刘有壮,1.00,2006-11-20,辽宁省沈阳市浑南区沈中大街834号,小餐饮,沈阳市浑南区市场监督管理局,2021-06-20,在业,浑南区',
] as const;

/** A credit code with a wrong check character. */
export const BAD_CODE = '91210100MA0XXXXXX1';
/** A row whose credit code is {@link BAD_CODE} (and whose capital is empty). */
export const BAD_ROW = `${BAD_CODE},沈阳市沈河区永瀚眼镜店,个体工商户,郭育,,2015-04-08,辽宁省沈阳市沈河区大南街26号,眼镜销售,沈阳市沈河区市场监督管理局,2015-04-08,注销,沈河区`;
