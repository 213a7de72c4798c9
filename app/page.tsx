export default function Home() {
  return (
    <main className="p-8">
      <h1 className="text-2xl font-semibold">Roundabout</h1>
      <p className="text-muted-foreground">The console is on its way.</p>
    </main>
  );
}
