import type { ThemeConfig } from 'antd';

export const FONT_FAMILY =
  '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "Noto Sans SC", "Hiragino Sans GB", -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';

export const BRAND_BLUE = '#1f5fbf';
export const BRAND_DARK = '#0d3a80';

export const theme: ThemeConfig = {
  token: {
    colorPrimary: BRAND_BLUE,
    colorInfo: BRAND_BLUE,
    colorLink: BRAND_BLUE,
    colorError: '#d4380d',
    fontFamily: FONT_FAMILY,
    borderRadius: 4,
    colorBgLayout: '#f3f5f9',
  },
  components: {
    Layout: {
      headerBg: BRAND_DARK,
      headerHeight: 56,
      headerPadding: '0 24px',
      siderBg: '#ffffff',
      bodyBg: '#f3f5f9',
    },
    Menu: {
      itemSelectedBg: '#e8f0fc',
      itemSelectedColor: BRAND_BLUE,
      groupTitleColor: '#8c94a3',
      itemHeight: 38,
    },
    Table: {
      headerBg: '#f5f7fb',
    },
  },
};
