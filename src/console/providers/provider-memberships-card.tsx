"use client";

import Link from "next/link";
import type { GroupHealth } from "@/contracts/health";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { useT } from "@/i18n/i18n-provider";

/** The groups this provider is a member of (from the health report), with its place and state in each. */
export function ProviderMembershipsCard({
  providerId,
  groups,
}: {
  providerId: string;
  groups: readonly GroupHealth[] | undefined;
}) {
  const t = useT();
  const rows = (groups ?? []).flatMap((group) =>
    group.members.filter((m) => m.providerId === providerId).map((member) => ({ group, member })),
  );
  return (
    <Card className="gap-3" data-testid="provider-memberships">
      <CardHeader>
        <CardTitle className="text-sm">{t("providers.memberships")}</CardTitle>
        <CardDescription className="text-xs">{t("providers.membershipsHint")}</CardDescription>
      </CardHeader>
      <CardContent>
        {groups === undefined ? (
          <Skeleton className="h-16 w-full" />
        ) : rows.length === 0 ? (
          <p className="rounded-md border border-dashed px-3 py-2 text-sm text-muted-foreground">
            {t("providers.membershipsEmpty")}
          </p>
        ) : (
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>{t("groups.columnName")}</TableHead>
                <TableHead className="text-right">{t("groups.columnPriority")}</TableHead>
                <TableHead className="text-right">{t("groups.columnWeight")}</TableHead>
                <TableHead>{t("providers.membershipState")}</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {rows.map(({ group, member }) => (
                <TableRow key={group.groupId} data-testid="membership-row">
                  <TableCell>
                    <Link href={`/groups/${group.groupId}`} className="font-medium hover:underline">
                      {group.name}
                    </Link>
                    <span className="ml-2 font-mono text-xs text-muted-foreground">{group.slug}</span>
                  </TableCell>
                  <TableCell className="text-right tabular-nums">{member.priority}</TableCell>
                  <TableCell className="text-right tabular-nums">{member.weight}</TableCell>
                  <TableCell>
                    {!member.memberEnabled || !group.enabled ? (
                      <Badge variant="outline">{t("common.disabled")}</Badge>
                    ) : member.available ? (
                      <Badge variant="success">{t("providers.membershipRouting")}</Badge>
                    ) : (
                      <Badge variant="secondary">{t("providers.membershipIdle")}</Badge>
                    )}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </CardContent>
    </Card>
  );
}
