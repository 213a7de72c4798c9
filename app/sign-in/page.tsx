import { Suspense } from "react";
import { pageMetadata } from "@/console/page-metadata";
import { SignInForm } from "@/console/sign-in/sign-in-form";

/** The sign-in page's title. */
export function generateMetadata() {
  return pageMetadata("signIn.pageTitle");
}

/** Username + password sign-in; afterwards back to `?next=` or the dashboard. */
export default function Page() {
  return (
    // The form reads ?next= with useSearchParams, which needs a Suspense boundary.
    <Suspense>
      <SignInForm />
    </Suspense>
  );
}
