import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, data } from '../api/client';
import { QUERY_ROOTS } from '../api/queries';
import type { Title } from '../schema/types';
import { ErrorMessage } from '../ui/feedback';

/**
 * Delete with a confirmation step in place: the first press asks, naming the title, and only
 * the second deletes (the version read is sent as If-Match, so a title someone changed since is
 * not deleted unseen).
 */
export function DeleteTitle({ title, onDeleted }: { title: Title; onDeleted?: () => void }) {
  const client = useQueryClient();
  const [asking, setAsking] = useState(false);
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
  if (!asking)
    return (
      <button type="button" className="button--danger" onClick={() => setAsking(true)}>
        Delete<span className="visually-hidden"> {title.name}</span>
      </button>
    );
  return (
    <span className="confirm" role="group" aria-label={`Delete ${title.name}?`}>
      <span>Delete “{title.name}” for good?</span>
      <button
        type="button"
        className="button--danger"
        onClick={() => remove.mutate()}
        disabled={remove.isPending}
        // The question just appeared: the answer is the next thing to press.
        ref={(button) => button?.focus()}
      >
        Yes, delete
      </button>
      <button type="button" className="button--secondary" onClick={() => setAsking(false)}>
        Keep it
      </button>
      <ErrorMessage error={remove.error} />
    </span>
  );
}
