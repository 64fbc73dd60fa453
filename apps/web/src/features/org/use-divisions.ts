import { useAsync, type AsyncState } from '../../components/hooks/use-async';
import { orgApi } from './org-api';
import type { Division } from './org-types';

export function useDivisions(): AsyncState<Division[]> {
  return useAsync((signal) => orgApi.listDivisions(signal), []);
}
