import { SearchOutlined } from '@ant-design/icons';
import { Input } from 'antd';
import { useState, type CSSProperties } from 'react';

type Props = {
  placeholder?: string;
  /** Called with the trimmed text on Enter, and with '' when the box is cleared. */
  onSearch: (q: string) => void;
  testId?: string;
  style?: CSSProperties;
};

/** A search box that filters on Enter; its test id is on the <input> itself. */
export function SearchInput({ placeholder, onSearch, testId, style }: Props) {
  const [value, setValue] = useState('');
  return (
    <Input
      allowClear
      value={value}
      placeholder={placeholder}
      prefix={<SearchOutlined style={{ color: '#8c94a3' }} />}
      onChange={(e) => {
        setValue(e.target.value);
        if (e.target.value === '') onSearch('');
      }}
      onPressEnter={() => onSearch(value.trim())}
      data-testid={testId}
      style={style}
    />
  );
}
