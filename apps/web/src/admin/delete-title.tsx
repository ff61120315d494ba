import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, data } from '../api/client';
import { QUERY_ROOTS } from '../api/queries';
import type { Title } from '../schema/types';
import { ConfirmDelete } from '../ui/confirm-delete';

/**
 * Delete, asked first, naming the title (the version read is sent as If-Match, so a title someone
 * changed since is not deleted unseen).
 */
export function DeleteTitle({ title, onDeleted }: { title: Title; onDeleted?: () => void }) {
  const client = useQueryClient();
  const remove = useMutation({
    mutationFn: () =>
      data(
        api.DELETE('/api/v1/titles/{id}', {
          params: { path: { id: title.id }, header: { 'If-Match': `"${title.version}"` } },
        }),
      ),
    onSuccess: async () => {
      client.removeQueries({ queryKey: [QUERY_ROOTS.title, title.id] });
      await client.invalidateQueries({ queryKey: [QUERY_ROOTS.titles] });
      await client.invalidateQueries({ queryKey: [QUERY_ROOTS.browse], refetchType: 'none' });
      onDeleted?.();
    },
  });
  return (
    <ConfirmDelete
      name={title.name}
      question={`Delete “${title.name}” for good?`}
      onConfirm={() => remove.mutate()}
      pending={remove.isPending}
      error={remove.error}
    />
  );
}
